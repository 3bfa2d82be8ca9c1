package dev.trainer.train.step;

import java.lang.foreign.MemorySegment;

/**
 * Where a data-parallel run combines the gradients of its processes before they are clipped and
 * applied: every process holds the mean gradient of its own samples over their weight; the reducer
 * makes each hold the mean over all of them, weighted by those weights, and returns the figures of
 * the step's whole batch (its loss, weight, samples and hits), the same on every process.
 * {@link #LOCAL}, one process, leaves the gradients and the figures as they are.
 */
@FunctionalInterface
public interface GradientReducer {

    /** One process: nothing to combine. */
    GradientReducer LOCAL = (gradients, count, local) -> local;

    /**
     * @param gradients the flat gradient buffer, {@code count} floats, the mean over this process's samples
     * @param local     what this process's loss made of its samples; {@link BatchLoss#NONE} when it had none
     * @return the same figures for the step's samples on every process
     */
    BatchLoss reduce(MemorySegment gradients, long count, BatchLoss local);
}
