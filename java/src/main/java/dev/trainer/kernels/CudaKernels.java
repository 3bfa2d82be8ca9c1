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
import java.util.Arrays;

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
 * unspecified. Methods that return a value (losses, penalties, the sum of squares, the accuracy's
 * hits, the statistics) wait for the stream and copy back a few doubles; the others only queue work. Not thread-safe: one instance
 * per stream. Owns its scratch buffers: close it.
 */
public final class CudaKernels implements Kernels, AutoCloseable {

    private static final int RESULT_VALUE = 0;
    private static final int RESULT_BAD_LABELS = 1;
    private static final int RESULT_BAD_ROW = 2;
    private static final int RESULT_BAD_LABEL = 3;
    private static final int RESULTS = 4;
    private final CudaRuntime cuda;
    private final CudaStream stream;
    private DeviceBuffer scratch;
    private long scratchDoubles;
    private PinnedBuffer results;
    /** The slot layout of the last {@link #slotStatistics} call, on the device: offsets then counts. */
    private DeviceBuffer slotLayout;
    private long[] slotLayoutOnDevice = new long[0];

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
        static final MethodHandle AXPBY = bind("trainer_cuda_axpby", ADDRESS, ADDRESS, JAVA_LONG, JAVA_FLOAT, JAVA_FLOAT,
                JAVA_LONG);
        static final MethodHandle COUNT_CORRECT = bind("trainer_cuda_count_correct", ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_LONG, ADDRESS, JAVA_LONG);
        static final MethodHandle BLEND = bind("trainer_cuda_blend", ADDRESS, ADDRESS, JAVA_LONG, JAVA_DOUBLE, JAVA_LONG);
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
        KernelArguments.requireElements("values", values, count);
        requireDevice("values", values, count);
        try {
            check("trainer_cuda_sum_of_squares", (int) Downcall.SUM_OF_SQUARES.invokeExact(values, count,
                    scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return readResults().getAtIndex(JAVA_DOUBLE, RESULT_VALUE);
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

    @Override
    public void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta) {
        KernelArguments.checkAxpby(x, y, count);
        requireDevice("x", x, count);
        requireDevice("y", y, count);
        try {
            check("trainer_cuda_axpby", (int) Downcall.AXPBY.invokeExact(x, y, count, alpha, beta, stream.handle()));
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

    @Override
    public long countCorrect(MemorySegment logits, MemorySegment labels, long n, long c) {
        KernelArguments.checkCountCorrect(logits, labels, n, c);
        requireDevice("logits", logits, n * c);
        requireDevice("labels", labels, n);
        ensureScratch(n, 0);
        try {
            check("trainer_cuda_count_correct", (int) Downcall.COUNT_CORRECT.invokeExact(logits, labels, n, c,
                    scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        return (long) readResults().getAtIndex(JAVA_DOUBLE, RESULT_VALUE);
    }

    /** Only queues work. */
    @Override
    public void blend(MemorySegment into, MemorySegment other, long count, double weight) {
        KernelArguments.checkBlend(into, other, count);
        requireDevice("into", into, count);
        requireDevice("other", other, count);
        try {
            check("trainer_cuda_blend", (int) Downcall.BLEND.invokeExact(into, other, count, weight, stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * The sums on the device, read back in one copy; the slot layout is copied to the device only
     * when it differs from the last call's (once per layout, not per step).
     */
    @Override
    public double[] slotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before, long[] offsets,
                                   long[] counts) {
        KernelArguments.checkSlotStatistics(values, grads, before, offsets, counts);
        long slots = offsets.length;
        long length = 0;
        for (int k = 0; k < slots; k++) {
            length = Math.max(length, offsets[k] + counts[k]);
        }
        requireDevice("values", values, length);
        requireDevice("grads", grads, length);
        requireDevice("before", before, length);
        MemorySegment layout = deviceLayout(offsets, counts);
        ensureScratch(0, slots);
        try {
            check("trainer_cuda_slot_statistics", (int) Downcall.SLOT_STATISTICS.invokeExact(values, grads, before,
                    layout, layout.asSlice(slots * Long.BYTES), slots, scratch.segment(), stream.handle()));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        long bytes = slots * SLOT_STATISTICS * Double.BYTES;
        try (PinnedBuffer host = new PinnedBuffer(cuda, bytes)) {
            stream.copyToHost(scratch.segment(), host.segment(), bytes);
            stream.synchronize();
            return host.segment().asSlice(0, bytes).toArray(JAVA_DOUBLE);
        }
    }

    /** The offsets followed by the counts as int64 on the device. */
    private MemorySegment deviceLayout(long[] offsets, long[] counts) {
        long[] layout = new long[offsets.length * 2];
        System.arraycopy(offsets, 0, layout, 0, offsets.length);
        System.arraycopy(counts, 0, layout, offsets.length, counts.length);
        if (!Arrays.equals(layout, slotLayoutOnDevice)) {
            if (slotLayout != null) {
                stream.synchronize();
                slotLayout.close();
            }
            slotLayout = new DeviceBuffer(cuda, Math.max(1, layout.length) * (long) Long.BYTES);
            try (PinnedBuffer host = new PinnedBuffer(cuda, Math.max(1, layout.length) * (long) Long.BYTES)) {
                MemorySegment.copy(layout, 0, host.segment(), JAVA_LONG, 0, layout.length);
                stream.copyToDevice(host.segment(), slotLayout.segment(), layout.length * (long) Long.BYTES);
                stream.synchronize();
            }
            slotLayoutOnDevice = layout;
        }
        return slotLayout.segment();
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
        if (slotLayout != null) {
            slotLayout.close();
        }
    }
}
