/**
 * Where a run's numbers go besides {@code metrics.jsonl}: TensorBoard event files
 * ({@link dev.trainer.sinks.tensorboard.TensorBoardWriter}) and a tidy CSV
 * ({@link dev.trainer.sinks.MetricsCsvWriter}). Each sink is a plain writer the training loop
 * (or a listener of it) feeds; none of them reads the loop's state.
 */
package dev.trainer.sinks;
