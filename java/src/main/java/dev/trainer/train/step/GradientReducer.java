package dev.trainer.train.step;

import java.lang.foreign.MemorySegment;

/**
 * Where a data-parallel run combines the gradients of its processes before they are clipped and
 * applied: every process holds the mean gradient of its own batches over a sample weight; the
 * reducer makes each hold the mean over all of them, weighted by those weights, and returns the
 * total weight. {@link #LOCAL}, one process, leaves the gradients as they are.
 */
@FunctionalInterface
public interface GradientReducer {

    /** One process: nothing to combine. */
    GradientReducer LOCAL = (gradients, count, weight) -> weight;

    /**
     * @param gradients the flat gradient buffer, {@code count} floats, the mean over this process's batches
     * @param weight    this process's total sample weight
     * @return the total sample weight over every process
     */
    double reduce(MemorySegment gradients, long count, double weight);
}
