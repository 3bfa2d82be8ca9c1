package dev.trainer.events;

/**
 * An epoch begins.
 *
 * @param epoch   the 1-based epoch
 * @param step    steps taken before it
 * @param batches the steps it will run, unless the run stops early: one per batch, or per window
 *                of {@code --grad-accum} batches
 */
public record EpochStartEvent(int epoch, long step, int batches) implements TrainingEvent {
}
