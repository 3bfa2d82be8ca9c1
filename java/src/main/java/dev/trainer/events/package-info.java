/**
 * What a training run tells: its events ({@link dev.trainer.events.TrainingEvent}: steps, epochs,
 * evaluations, layer statistics, checkpoints, the diagnosis), the same records {@code metrics.jsonl}
 * holds, and the {@link dev.trainer.events.TrainingListener}s that hear them as they happen.
 */
package dev.trainer.events;
