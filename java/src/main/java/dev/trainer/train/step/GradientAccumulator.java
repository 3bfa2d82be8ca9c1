package dev.trainer.train.step;

import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.PlacedMemory;
import dev.trainer.runtime.PlacedParameters;
import dev.trainer.runtime.Placement;
import java.lang.foreign.MemorySegment;

/**
 * The gradient of a step over several micro-batches (gradient accumulation): the mean of their
 * gradients weighted by each micro-batch's total sample weight ({@link BatchLoss#weight()}),
 * which is the gradient of the loss over all their samples as one batch. Weighing each
 * micro-batch equally instead, the common shortcut, is wrong for a short last batch, for class
 * or sample weights and for ignored rows.
 *
 * <p>The backward graph overwrites the parameter buffer's gradients at every micro-batch, so the
 * running mean is kept aside, in a buffer of the same layout and placement (host or GPU memory,
 * blended by that placement's kernels): the first micro-batch's gradient is
 * copied there only when a second one starts (a step of one micro-batch costs nothing extra),
 * each later one is blended in with {@link Kernels#axpby}, and {@link #finish} puts the mean back
 * where the reducer, clipping and the optimizer read it.
 *
 * <p>Owns its buffer: close it when done.
 */
final class GradientAccumulator implements AutoCloseable {

    private final Placement placement;
    private final Kernels kernels;
    private PlacedMemory mean;
    private long capacity;
    private int microBatches;
    private double weight;

    GradientAccumulator(Placement placement) {
        this.placement = placement;
        this.kernels = placement.kernels();
    }

    /** A new step: nothing accumulated. */
    void start() {
        microBatches = 0;
        weight = 0;
    }

    /** The micro-batches added since {@link #start}. */
    int batches() {
        return microBatches;
    }

    /** Call before a micro-batch's backward pass overwrites the gradients. */
    void beforeMicroBatch(PlacedParameters parameters) {
        if (microBatches == 1) {
            placement.copy(parameters.gradients(), buffer(parameters.length()), parameters.length() * Float.BYTES);
        }
    }

    /** Call after it: blends the micro-batch's gradient, the mean over {@code batchWeight}, into the step's. */
    void add(PlacedParameters parameters, double batchWeight) {
        microBatches++;
        double total = weight + batchWeight;
        if (microBatches > 1 && total > 0) {
            kernels.axpby(parameters.gradients(), mean.segment(), parameters.length(), (float) (batchWeight / total),
                    (float) (weight / total));
        }
        weight = total;
    }

    /** Leaves the step's gradient in the parameters' gradient buffer; returns the step's total sample weight. */
    double finish(PlacedParameters parameters) {
        if (microBatches > 1) {
            placement.copy(mean.segment(), parameters.gradients(), parameters.length() * Float.BYTES);
            parameters.changed();
        }
        return weight;
    }

    /** Room for {@code floats}; a larger buffer once unfreezing has grown the parameters. */
    private MemorySegment buffer(long floats) {
        if (floats > capacity) {
            close();
            mean = placement.allocate(Math.max(1, floats) * Float.BYTES);
            capacity = floats;
        }
        return mean.segment();
    }

    @Override
    public void close() {
        if (mean != null) {
            mean.close();
            mean = null;
            capacity = 0;
        }
    }
}
