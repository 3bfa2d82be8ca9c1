package dev.trainer.train.step;

import dev.trainer.events.LayersEvent;

/**
 * One whole step.
 *
 * @param loss         what the loss made of the batch
 * @param penalty      the L1/L2 penalty the gradients included, added to the reported loss
 * @param gradientNorm the global gradient norm before clipping
 * @param layers       per-layer statistics of the update when asked for, else {@code null}
 * @param applied      false when the loss or the gradient was not finite and the step stopped
 *                     before clipping and updating: the parameters are as they were
 */
public record StepResult(BatchLoss loss, double penalty, double gradientNorm, LayersEvent layers, boolean applied) {

    /** The loss to report: the batch's, with the penalty. */
    public double reportedLoss() {
        return loss.value() + penalty;
    }
}
