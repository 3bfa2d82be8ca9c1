package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * {@link Kernels} over host memory running the CUDA kernels' per-element arithmetic
 * ({@code native/cuda/src/trainer_cuda_math.h}), built for the host by
 * {@code native/cuda/host/build.sh} into the test classes. The launches and reductions of the real
 * kernels run only on a GPU; every formula they apply runs here.
 */
final class HostMathKernels implements Kernels {

    private static final SymbolLookup LIBRARY = load();
    private static final MethodHandle CROSS_ENTROPY = bind("softmax_cross_entropy", JAVA_DOUBLE, ADDRESS, ADDRESS,
            JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_INT, ADDRESS);
    private static final MethodHandle MSE = bind("mean_squared_error", JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle L1 = bind("l1_penalty", JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT);
    private static final MethodHandle L2 = bind("l2_penalty", JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT);
    private static final MethodHandle SUM_OF_SQUARES = bind("sum_of_squares", JAVA_DOUBLE, ADDRESS, JAVA_LONG);
    private static final MethodHandle SCALE = bind("scale", null, ADDRESS, JAVA_LONG, JAVA_FLOAT);
    private static final MethodHandle AXPBY = bind("axpby", null, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT);
    private static final MethodHandle SGD = bind("sgd", null, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT,
            JAVA_FLOAT, JAVA_BOOLEAN, JAVA_FLOAT);
    private static final MethodHandle ADAM = bind("adam", null, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
            JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_BOOLEAN, JAVA_LONG);
    private static final MethodHandle SLOT_SUMS = bind("slot_statistics", null, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle COUNT_CORRECT = bind("count_correct", JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG,
            JAVA_LONG);
    private static final MethodHandle BLEND = bind("blend", null, ADDRESS, ADDRESS, JAVA_LONG, JAVA_DOUBLE);

    private static SymbolLookup load() {
        var url = HostMathKernels.class.getResource("/native/libtrainer_cuda_host_math.so");
        if (url == null) {
            throw new IllegalStateException("libtrainer_cuda_host_math.so not built: run the tests through Maven");
        }
        try {
            return SymbolLookup.libraryLookup(Path.of(url.toURI()), Arena.global());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle bind(String name, MemoryLayout result, MemoryLayout... arguments) {
        FunctionDescriptor descriptor = result == null ? FunctionDescriptor.ofVoid(arguments)
                : FunctionDescriptor.of(result, arguments);
        return Downcalls.bind(LIBRARY, "libtrainer_cuda_host_math.so", "trainer_cuda_host_" + name, descriptor);
    }

    @Override
    public double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                                      MemorySegment classWeights, MemorySegment sampleWeights,
                                      float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
        KernelArguments.checkSoftmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights, labelSmoothing,
                ignoreIndex, dLogits);
        try {
            return (double) CROSS_ENTROPY.invokeExact(logits, labels, n, c, classWeights, sampleWeights,
                    labelSmoothing, ignoreIndex, dLogits);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                                   MemorySegment dPredictions) {
        KernelArguments.checkMeanSquaredError(predictions, targets, count, dPredictions);
        try {
            return (double) MSE.invokeExact(predictions, targets, count, dPredictions);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        try {
            return (double) L1.invokeExact(params, grads, count, lambda);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        try {
            return (double) L2.invokeExact(params, grads, count, lambda);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public double sumOfSquares(MemorySegment values, long count) {
        KernelArguments.requireElements("values", values, count);
        try {
            return (double) SUM_OF_SQUARES.invokeExact(values, count);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void scale(MemorySegment values, long count, float factor) {
        KernelArguments.requireElements("values", values, count);
        try {
            SCALE.invokeExact(values, count, factor);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta) {
        KernelArguments.checkAxpby(x, y, count);
        try {
            AXPBY.invokeExact(x, y, count, alpha, beta);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
                    float lr, float momentum, boolean nesterov, float weightDecay) {
        KernelArguments.checkSgd(params, grads, velocity, count, momentum, nesterov);
        try {
            SGD.invokeExact(params, grads, velocity, count, lr, momentum, nesterov, weightDecay);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count,
                     float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
                     long step) {
        KernelArguments.checkAdam(params, grads, m, v, count, step);
        try {
            ADAM.invokeExact(params, grads, m, v, count, lr, beta1, beta2, epsilon, weightDecay, decoupled, step);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public long countCorrect(MemorySegment logits, MemorySegment labels, long n, long c) {
        KernelArguments.checkCountCorrect(logits, labels, n, c);
        try {
            return (long) (double) COUNT_CORRECT.invokeExact(logits, labels, n, c);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void blend(MemorySegment into, MemorySegment other, long count, double weight) {
        KernelArguments.checkBlend(into, other, count);
        try {
            BLEND.invokeExact(into, other, count, weight);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The statistics kernel's per-slot arithmetic, summing each slot in order. */
    @Override
    public double[] slotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before, long[] offsets,
                                   long[] counts) {
        KernelArguments.checkSlotStatistics(values, grads, before, offsets, counts);
        long slots = offsets.length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_DOUBLE, Math.max(1, slots * SLOT_STATISTICS));
            SLOT_SUMS.invokeExact(values, grads, before, arena.allocateFrom(JAVA_LONG, offsets),
                    arena.allocateFrom(JAVA_LONG, counts), slots, out);
            return out.asSlice(0, slots * SLOT_STATISTICS * Double.BYTES).toArray(JAVA_DOUBLE);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
