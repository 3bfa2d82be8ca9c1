package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.DeviceBuffer;
import dev.trainer.cuda.PinnedBuffer;
import dev.trainer.ffm.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@link Kernels} over device memory: the CUDA kernels of {@code native/cuda}, queued on one
 * stream (the one ONNX Runtime's CUDA provider runs the graphs on, so no synchronization is needed
 * between a graph and the kernels after it).
 *
 * <p>Every segment must wrap a device address ({@link DeviceBuffer#segment()}): checked with
 * {@code cudaPointerGetAttributes}. The contract's checks of sizes, alignment, aliasing and
 * hyperparameters run on the host before anything is queued, as for the other implementations;
 * the labels live on the device, so the cross-entropy kernel checks them there and this class
 * throws the same {@link IllegalArgumentException} after the call, with the gradient buffer left
 * unspecified. Methods that return a value (losses, penalties, the sum of squares) wait for the
 * stream and copy back four doubles; the others only queue work. Not thread-safe: one instance
 * per stream. Owns its scratch buffers: close it.
 */
public final class CudaKernels implements Kernels, AutoCloseable {

    private static final int RESULT_VALUE = 0;
    private static final int RESULT_BAD_LABELS = 1;
    private static final int RESULT_BAD_ROW = 2;
    private static final int RESULT_BAD_LABEL = 3;
    private static final int RESULTS = 4;
    /** Doubles per slot of {@link #slotStatistics}: the order of TRAINER_STAT_* in trainer_cuda_math.h. */
    public static final int SLOT_STATISTICS = 5;

    private final CudaRuntime cuda;
    private final CudaStream stream;
    private DeviceBuffer scratch;
    private long scratchDoubles;
    private PinnedBuffer results;

    /** Kernels queued on {@code stream}; loads the kernel library on first use. */
    public CudaKernels(CudaRuntime cuda, CudaStream stream) {
        this.cuda = cuda;
        this.stream = stream;
        CudaKernelLibrary.symbols();
        ensureScratch(0, 0);
        results = new PinnedBuffer(cuda, RESULTS * Double.BYTES);
    }

    /** Handles bound once, after the constructor loaded the library. */
    private static final class Downcall {
        static final MethodHandle SOFTMAX_CROSS_ENTROPY = bind("trainer_cuda_softmax_cross_entropy", ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
        static final MethodHandle MEAN_SQUARED_ERROR = bind("trainer_cuda_mean_squared_error", ADDRESS, ADDRESS,
                JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG);
        static final MethodHandle L1_PENALTY = bind("trainer_cuda_l1_penalty", ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT,
                ADDRESS, JAVA_LONG);
        static final MethodHandle L2_PENALTY = bind("trainer_cuda_l2_penalty", ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT,
                ADDRESS, JAVA_LONG);
        static final MethodHandle SUM_OF_SQUARES = bind("trainer_cuda_sum_of_squares", ADDRESS, JAVA_LONG, ADDRESS,
                JAVA_LONG);
        static final MethodHandle SCALE = bind("trainer_cuda_scale", ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_LONG);
        static final MethodHandle CLIP_TO_NORM = bind("trainer_cuda_clip_to_norm", ADDRESS, JAVA_LONG, JAVA_DOUBLE,
                ADDRESS, JAVA_LONG);
        static final MethodHandle SGD = bind("trainer_cuda_sgd", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT,
                JAVA_FLOAT, JAVA_BOOLEAN, JAVA_FLOAT, JAVA_LONG);
        static final MethodHandle ADAM = bind("trainer_cuda_adam", ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT, JAVA_BOOLEAN, JAVA_LONG, JAVA_LONG);
        static final MethodHandle SLOT_STATISTICS = bind("trainer_cuda_slot_statistics", ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG);

        private static MethodHandle bind(String name, java.lang.foreign.MemoryLayout... arguments) {
            return CudaKernelLibrary.downcall(name, FunctionDescriptor.of(JAVA_INT, arguments));
        }
    }

    @Override
    public double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                                      MemorySegment classWeights, MemorySegment sampleWeights,
                                      float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
        KernelArguments.checkSoftmaxCrossEntropyLayout(logits, labels, n, c, classWeights, sampleWeights,
                labelSmoothing, dLogits);
        requireDevice("logits", logits, n * c);
        requireDevice("labels", labels, n);
        requireDevice("classWeights", classWeights, c);
        requireDevice("sampleWeights", sampleWeights, n);
        requireDevice("dLogits", dLogits, n * c);
        ensureScratch(n, 0);
        try {
            check("trainer_cuda_softmax_cross_entropy", (int) Downcall.SOFTMAX_CROSS_ENTROPY.invokeExact(logits, labels,
                    n, c, classWeights, sampleWeights, labelSmoothing, ignoreIndex, dLogits, scratch.segment(),
                    stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        MemorySegment r = readResults();
        if (r.getAtIndex(JAVA_DOUBLE, RESULT_BAD_LABELS) > 0) {
            throw new IllegalArgumentException("label " + (int) r.getAtIndex(JAVA_DOUBLE, RESULT_BAD_LABEL) + " of row "
                    + (long) r.getAtIndex(JAVA_DOUBLE, RESULT_BAD_ROW) + " is outside [0, " + c
                    + ") and is not the ignore index " + ignoreIndex);
        }
        return r.getAtIndex(JAVA_DOUBLE, RESULT_VALUE);
    }

    @Override
    public double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                                   MemorySegment dPredictions) {
        KernelArguments.checkMeanSquaredError(predictions, targets, count, dPredictions);
        requireDevice("predictions", predictions, count);
        requireDevice("targets", targets, count);
        requireDevice("dPredictions", dPredictions, count);
        try {
            check("trainer_cuda_mean_squared_error", (int) Downcall.MEAN_SQUARED_ERROR.invokeExact(predictions, targets,
                    count, dPredictions, scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return readResults().getAtIndex(JAVA_DOUBLE, RESULT_VALUE);
    }

    @Override
    public double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        return penalty(Downcall.L1_PENALTY, "trainer_cuda_l1_penalty", params, grads, count, lambda);
    }

    @Override
    public double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        return penalty(Downcall.L2_PENALTY, "trainer_cuda_l2_penalty", params, grads, count, lambda);
    }

    private double penalty(MethodHandle kernel, String name, MemorySegment params, MemorySegment grads, long count,
                           float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        requireDevice("params", params, count);
        requireDevice("grads", grads, count);
        try {
            check(name, (int) kernel.invokeExact(params, grads, count, lambda, scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return readResults().getAtIndex(JAVA_DOUBLE, RESULT_VALUE);
    }

    @Override
    public double sumOfSquares(MemorySegment values, long count) {
        queueSumOfSquares(values, count);
        return readResults().getAtIndex(JAVA_DOUBLE, RESULT_VALUE);
    }

    private void queueSumOfSquares(MemorySegment values, long count) {
        KernelArguments.requireElements("values", values, count);
        requireDevice("values", values, count);
        try {
            check("trainer_cuda_sum_of_squares", (int) Downcall.SUM_OF_SQUARES.invokeExact(values, count,
                    scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void scale(MemorySegment values, long count, float factor) {
        KernelArguments.requireElements("values", values, count);
        KernelArguments.requireWritable("values", values);
        requireDevice("values", values, count);
        try {
            check("trainer_cuda_scale", (int) Downcall.SCALE.invokeExact(values, count, factor, stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Gradient clipping without a readback: scales the values by {@code maxNorm / norm} when their
     * L2 norm exceeds {@code maxNorm}, as the training loop does with {@link #sumOfSquares} and
     * {@link #scale}, but deciding on the device. Only queues work.
     */
    public void clipToNorm(MemorySegment values, long count, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        queueSumOfSquares(values, count);
        try {
            check("trainer_cuda_clip_to_norm", (int) Downcall.CLIP_TO_NORM.invokeExact(values, count, maxNorm,
                    scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
                    float lr, float momentum, boolean nesterov, float weightDecay) {
        KernelArguments.checkSgd(params, grads, velocity, count, momentum, nesterov);
        requireDevice("params", params, count);
        requireDevice("grads", grads, count);
        MemorySegment usedVelocity = momentum == 0 ? MemorySegment.NULL : velocity;
        requireDevice("velocity", usedVelocity, count);
        try {
            check("trainer_cuda_sgd", (int) Downcall.SGD.invokeExact(params, grads, usedVelocity, count, lr, momentum,
                    nesterov, weightDecay, stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count,
                     float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
                     long step) {
        KernelArguments.checkAdam(params, grads, m, v, count, step);
        requireDevice("params", params, count);
        requireDevice("grads", grads, count);
        requireDevice("m", m, count);
        requireDevice("v", v, count);
        try {
            check("trainer_cuda_adam", (int) Downcall.ADAM.invokeExact(params, grads, m, v, count, lr, beta1, beta2,
                    epsilon, weightDecay, decoupled, step, stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * The per-layer monitor's sums for each slot of a flat buffer: {@link #SLOT_STATISTICS} doubles
     * per slot (sum of squared gradients, of squared values, of squared updates, the count of zero
     * gradients, the largest |gradient|, NaN if any is NaN), read back into a host array.
     *
     * @param before  the values before the optimizer step, or NULL (the update sums are then 0)
     * @param offsets int64 device array: each slot's first element
     * @param counts  int64 device array: each slot's element count
     */
    public double[] slotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before,
                                   MemorySegment offsets, MemorySegment counts, long slots, long length) {
        KernelArguments.requireElements("values", values, length);
        KernelArguments.requireElements("grads", grads, length);
        KernelArguments.requireOptionalElements("before", before, length);
        requireDevice("values", values, length);
        requireDevice("grads", grads, length);
        requireDevice("before", before, length);
        if (slots < 0 || offsets.byteSize() < slots * Long.BYTES || counts.byteSize() < slots * Long.BYTES) {
            throw new IllegalArgumentException("offsets and counts must hold " + slots + " int64 values each");
        }
        requireDevice("offsets", offsets, slots);
        requireDevice("counts", counts, slots);
        ensureScratch(0, slots);
        try {
            check("trainer_cuda_slot_statistics", (int) Downcall.SLOT_STATISTICS.invokeExact(values, grads, before,
                    offsets, counts, slots, scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        long bytes = slots * SLOT_STATISTICS * Double.BYTES;
        try (PinnedBuffer host = new PinnedBuffer(cuda, bytes)) {
            stream.copyToHost(scratch.segment(), host.segment(), bytes);
            stream.synchronize();
            return host.segment().toArray(JAVA_DOUBLE);
        }
    }

    /** Copies the results back: the one synchronization of a kernel that returns a value. */
    private MemorySegment readResults() {
        stream.copyToHost(scratch.segment(), results.segment(), RESULTS * Double.BYTES);
        stream.synchronize();
        return results.segment();
    }

    /** Grows the scratch for {@code rows} cross-entropy rows and {@code slots} statistics slots. */
    private void ensureScratch(long rows, long slots) {
        long needed = CudaKernelLibrary.scratchDoubles(rows, slots);
        if (needed > scratchDoubles) {
            if (scratch != null) {
                stream.synchronize();
                scratch.close();
            }
            scratch = new DeviceBuffer(cuda, needed * Double.BYTES);
            scratchDoubles = needed;
        }
    }

    /** Refuses a non-NULL segment of {@code count} 4- or 8-byte elements that is not device memory. */
    private void requireDevice(String name, MemorySegment segment, long count) {
        if (count > 0 && !KernelArguments.isAbsent(segment) && !cuda.isDevicePointer(segment.address())) {
            throw new IllegalArgumentException(name + " is not device memory; CudaKernels needs segments of"
                    + " DeviceBuffers");
        }
    }

    private void check(String kernel, int error) {
        cuda.check(kernel, error);
    }

    @Override
    public void close() {
        stream.synchronize();
        scratch.close();
        results.close();
    }
}
