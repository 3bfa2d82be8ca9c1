package dev.trainer.events;

import dev.trainer.config.StoppingMetric;

/**
 * Early stopping put back the parameters of its best checkpoint: they are what gets exported.
 *
 * @param epoch  the checkpoint's epoch
 * @param step   the checkpoint's step
 * @param metric the metric it was best by
 * @param value  the metric's value there
 */
public record RestoreEvent(int epoch, long step, StoppingMetric metric, double value) implements TrainingEvent {
}
