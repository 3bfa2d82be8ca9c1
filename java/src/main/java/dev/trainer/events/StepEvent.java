package dev.trainer.events;

/**
 * One optimizer step.
 *
 * @param epoch      the 1-based epoch it belongs to
 * @param step       the step's 1-based number in the run
 * @param loss       the batch's loss before the update, penalties included; non-finite when the run diverged
 * @param lr         the base learning rate of the step
 * @param momentum   the step's momentum when a schedule cycles it (one-cycle), else NaN
 * @param stepMillis wall time of the whole step
 * @param samples    samples in the batch
 */
public record StepEvent(int epoch, long step, double loss, double lr, double momentum, double stepMillis, int samples)
        implements TrainingEvent {
}
