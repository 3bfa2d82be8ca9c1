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
    /**
     * This batch and another as one batch of both their samples: the mean of the two losses
     * weighted by their sample weights (a non-finite loss stays non-finite), the weights, samples
     * and hits summed; hits are not counted when either side did not count them.
     */
    public BatchLoss and(BatchLoss other) {
        double total = weight + other.weight;
        double mean = total > 0 ? (value * weight + other.value * other.weight) / total : value + other.value;
        return new BatchLoss(mean, total, samples + other.samples,
                correct < 0 || other.correct < 0 ? -1 : correct + other.correct);
    }

    /** Whether the loss is a finite number. */
    public boolean finite() {
        return Double.isFinite(value);
    }
}
