package dev.trainer.train.step;

import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.ParameterBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The gradient of a step over several micro-batches (gradient accumulation): the mean of their
 * gradients weighted by each micro-batch's total sample weight ({@link BatchLoss#weight()}),
 * which is the gradient of the loss over all their samples as one batch. Weighing each
 * micro-batch equally instead, the common shortcut, is wrong for a short last batch, for class
 * or sample weights and for ignored rows.
 *
 * <p>The backward graph overwrites the parameter buffer's gradients at every micro-batch, so the
 * running mean is kept aside, in a buffer of the same layout: the first micro-batch's gradient is
 * copied there only when a second one starts (a step of one micro-batch costs nothing extra),
 * each later one is blended in with {@link Kernels#axpby}, and {@link #finish} puts the mean back
 * where the reducer, clipping and the optimizer read it.
 *
 * <p>Owns its buffer: close it when done.
 */
final class GradientAccumulator implements AutoCloseable {

    private final Kernels kernels;
    private Arena arena;
    private MemorySegment mean;
    private long capacity;
    private int microBatches;
    private double weight;

    GradientAccumulator(Kernels kernels) {
        this.kernels = kernels;
    }

    /** A new step: nothing accumulated. */
    void start() {
        microBatches = 0;
        weight = 0;
    }

    /** Call before a micro-batch's backward pass overwrites the gradients. */
    void beforeMicroBatch(ParameterBuffer parameters) {
        if (microBatches == 1) {
            kernels.axpby(parameters.gradients(), buffer(parameters.length()), parameters.length(), 1f, 0f);
        }
    }

    /** Call after it: blends the micro-batch's gradient, the mean over {@code batchWeight}, into the step's. */
    void add(ParameterBuffer parameters, double batchWeight) {
        microBatches++;
        double total = weight + batchWeight;
        if (microBatches > 1 && total > 0) {
            kernels.axpby(parameters.gradients(), mean, parameters.length(), (float) (batchWeight / total),
                    (float) (weight / total));
        }
        weight = total;
    }

    /** Leaves the step's gradient in the parameter buffer; returns the step's total sample weight. */
    double finish(ParameterBuffer parameters) {
        if (microBatches > 1) {
            kernels.axpby(mean, parameters.gradients(), parameters.length(), 1f, 0f);
        }
        return weight;
    }

    /** Room for {@code floats}; a larger buffer once unfreezing has grown the parameters. */
    private MemorySegment buffer(long floats) {
        if (floats > capacity) {
            close();
            arena = Arena.ofShared();
            capacity = floats;
            mean = arena.allocate(Math.max(1, floats) * Float.BYTES, 64);
        }
        return mean;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            capacity = 0;
        }
    }
}
