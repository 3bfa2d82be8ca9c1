package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@link Kernels} backed by the vectorized C kernels in {@code native/src}, called through FFM
 * downcalls. Every argument is checked in Java first, so a bad call throws
 * {@link IllegalArgumentException} instead of reaching C.
 *
 * <p>Besides the contract's checks, every non-NULL segment must be native (off-heap): the C code
 * is handed raw addresses. Needs {@code --enable-native-access=ALL-UNNAMED} (or this module's
 * name) on the command line, else the JVM warns when the library is loaded. Stateless and
 * thread-safe.
 */
public final class NativeKernels implements Kernels {

    private static final NativeKernels INSTANCE = new NativeKernels();

    private NativeKernels() {
    }

    /**
     * The one instance, loading the native library on first use.
     *
     * @throws IllegalStateException if the library is missing or stale (run {@code mvn package})
     */
    public static NativeKernels instance() {
        NativeLibrary.symbols();
        return INSTANCE;
    }

    /** Handles bound once; this holder is initialized only after {@link #instance()} loaded the library. */
    private static final class Downcalls {
        static final MethodHandle SOFTMAX_CROSS_ENTROPY = NativeLibrary.downcall("trainer_softmax_cross_entropy",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS,
                        JAVA_FLOAT, JAVA_INT, ADDRESS));
        static final MethodHandle MEAN_SQUARED_ERROR = NativeLibrary.downcall("trainer_mean_squared_error",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle L1_PENALTY = NativeLibrary.downcall("trainer_l1_penalty",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT));
        static final MethodHandle L2_PENALTY = NativeLibrary.downcall("trainer_l2_penalty",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT));
        static final MethodHandle SUM_OF_SQUARES = NativeLibrary.downcall("trainer_sum_of_squares",
                FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_LONG));
        static final MethodHandle SCALE = NativeLibrary.downcall("trainer_scale",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_FLOAT));
        static final MethodHandle AXPBY = NativeLibrary.downcall("trainer_axpby",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT));
        static final MethodHandle SGD = NativeLibrary.downcall("trainer_sgd",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT,
                        JAVA_BOOLEAN, JAVA_FLOAT));
        static final MethodHandle ADAM = NativeLibrary.downcall("trainer_adam",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT,
                        JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_BOOLEAN, JAVA_LONG));
    }

    @Override
    public double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                                      MemorySegment classWeights, MemorySegment sampleWeights,
                                      float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
        KernelArguments.checkSoftmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights,
                labelSmoothing, ignoreIndex, dLogits);
        requireNative("logits", logits);
        requireNative("labels", labels);
        requireNative("classWeights", classWeights);
        requireNative("sampleWeights", sampleWeights);
        requireNative("dLogits", dLogits);
        try {
            return (double) Downcalls.SOFTMAX_CROSS_ENTROPY.invokeExact(logits, labels, n, c, classWeights,
                    sampleWeights, labelSmoothing, ignoreIndex, dLogits);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                                   MemorySegment dPredictions) {
        KernelArguments.checkMeanSquaredError(predictions, targets, count, dPredictions);
        requireNative("predictions", predictions);
        requireNative("targets", targets);
        requireNative("dPredictions", dPredictions);
        try {
            return (double) Downcalls.MEAN_SQUARED_ERROR.invokeExact(predictions, targets, count, dPredictions);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        requireNative("params", params);
        requireNative("grads", grads);
        try {
            return (double) Downcalls.L1_PENALTY.invokeExact(params, grads, count, lambda);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        requireNative("params", params);
        requireNative("grads", grads);
        try {
            return (double) Downcalls.L2_PENALTY.invokeExact(params, grads, count, lambda);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public double sumOfSquares(MemorySegment values, long count) {
        KernelArguments.requireElements("values", values, count);
        requireNative("values", values);
        try {
            return (double) Downcalls.SUM_OF_SQUARES.invokeExact(values, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void scale(MemorySegment values, long count, float factor) {
        KernelArguments.requireElements("values", values, count);
        KernelArguments.requireWritable("values", values);
        requireNative("values", values);
        try {
            Downcalls.SCALE.invokeExact(values, count, factor);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta) {
        KernelArguments.checkAxpby(x, y, count);
        requireNative("x", x);
        requireNative("y", y);
        try {
            Downcalls.AXPBY.invokeExact(x, y, count, alpha, beta);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
                    float lr, float momentum, boolean nesterov, float weightDecay) {
        KernelArguments.checkSgd(params, grads, velocity, count, momentum, nesterov);
        requireNative("params", params);
        requireNative("grads", grads);
        // With momentum 0 the C kernel never reads the velocity, whatever segment was passed.
        MemorySegment usedVelocity = momentum == 0 ? MemorySegment.NULL : velocity;
        requireNative("velocity", usedVelocity);
        try {
            Downcalls.SGD.invokeExact(params, grads, usedVelocity, count, lr, momentum, nesterov, weightDecay);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count,
                     float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
                     long step) {
        KernelArguments.checkAdam(params, grads, m, v, count, step);
        requireNative("params", params);
        requireNative("grads", grads);
        requireNative("m", m);
        requireNative("v", v);
        try {
            Downcalls.ADAM.invokeExact(params, grads, m, v, count, lr, beta1, beta2, epsilon, weightDecay,
                    decoupled, step);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void requireNative(String name, MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException(name + " is a heap segment; NativeKernels needs native memory"
                    + " (allocate it from an Arena)");
        }
    }

    /** Downcalls throw only unchecked exceptions (a closed arena, for one); pass them on unchanged. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native kernel failed", t);
    }
}
