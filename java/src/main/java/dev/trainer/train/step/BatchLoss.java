package dev.trainer.train.step;

/**
 * What the loss made of one batch.
 *
 * @param value   the batch's loss: the weighted mean over its samples
 * @param weight  the batch's total sample weight: the sum of the class and sample weights of its
 *                rows that are not ignored (for squared error, its sample count); what a mean over
 *                several batches must weigh them by
 * @param samples the batch's sample count
 * @param correct how many argmax predictions matched the labels, or -1 when not counted
 *                (regression, or mixed inputs whose labels are blends)
 */
public record BatchLoss(double value, double weight, int samples, int correct) {

    /** A process's part of a step whose batch gave it no samples (a data-parallel step's short last batch). */
    public static final BatchLoss NONE = new BatchLoss(0, 0, 0, 0);

    /** Whether the loss is a finite number. */
    public boolean finite() {
        return Double.isFinite(value);
    }
}
