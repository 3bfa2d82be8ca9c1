package dev.trainer.events;

/**
 * An epoch begins.
 *
 * @param epoch   the 1-based epoch
 * @param step    steps taken before it
 * @param batches the batches it will run, unless the run stops early
 */
public record EpochStartEvent(int epoch, long step, int batches) implements TrainingEvent {
}
