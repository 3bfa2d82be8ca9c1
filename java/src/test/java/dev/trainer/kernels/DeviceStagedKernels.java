package dev.trainer.kernels;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.DeviceBuffer;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CudaKernels} behind host segments, so that the parity tests written for host kernels
 * run them: each call copies its inputs to fresh device buffers, runs the kernel, and copies the
 * buffers it writes back.
 */
final class DeviceStagedKernels implements Kernels, AutoCloseable {

    private final CudaRuntime cuda = CudaRuntime.load();
    private final CudaStream stream = new CudaStream(cuda);
    private final CudaKernels kernels = new CudaKernels(cuda, stream);

    /** The device copies of one call's segments; copies written ones back when closed. */
    private final class Staging implements AutoCloseable {
        private final List<DeviceBuffer> buffers = new ArrayList<>();
        private final List<MemorySegment[]> written = new ArrayList<>();

        MemorySegment in(MemorySegment host) {
            if (KernelArguments.isAbsent(host)) {
                return host;
            }
            DeviceBuffer device = new DeviceBuffer(cuda, host.byteSize());
            buffers.add(device);
            stream.copyToDevice(host, device.segment(), host.byteSize());
            return device.segment();
        }

        MemorySegment inOut(MemorySegment host) {
            MemorySegment device = in(host);
            if (!KernelArguments.isAbsent(host)) {
                written.add(new MemorySegment[] {device, host});
            }
            return device;
        }

        @Override
        public void close() {
            written.forEach(pair -> stream.copyToHost(pair[0], pair[1], pair[1].byteSize()));
            stream.synchronize();
            buffers.forEach(DeviceBuffer::close);
        }
    }

    CudaKernels device() {
        return kernels;
    }

    CudaStream stream() {
        return stream;
    }

    @Override
    public double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                                      MemorySegment classWeights, MemorySegment sampleWeights,
                                      float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
        try (Staging s = new Staging()) {
            return kernels.softmaxCrossEntropy(s.in(logits), s.in(labels), n, c, s.in(classWeights),
                    s.in(sampleWeights), labelSmoothing, ignoreIndex, s.inOut(dLogits));
        }
    }

    @Override
    public double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                                   MemorySegment dPredictions) {
        try (Staging s = new Staging()) {
            return kernels.meanSquaredError(s.in(predictions), s.in(targets), count, s.inOut(dPredictions));
        }
    }

    @Override
    public double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        try (Staging s = new Staging()) {
            return kernels.l1Penalty(s.in(params), s.inOut(grads), count, lambda);
        }
    }

    @Override
    public double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        try (Staging s = new Staging()) {
            return kernels.l2Penalty(s.in(params), s.inOut(grads), count, lambda);
        }
    }

    @Override
    public double sumOfSquares(MemorySegment values, long count) {
        try (Staging s = new Staging()) {
            return kernels.sumOfSquares(s.in(values), count);
        }
    }

    @Override
    public void scale(MemorySegment values, long count, float factor) {
        try (Staging s = new Staging()) {
            kernels.scale(s.inOut(values), count, factor);
        }
    }

    @Override
    public void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta) {
        try (Staging s = new Staging()) {
            kernels.axpby(s.in(x), s.inOut(y), count, alpha, beta);
        }
    }

    @Override
    public void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
                    float lr, float momentum, boolean nesterov, float weightDecay) {
        try (Staging s = new Staging()) {
            kernels.sgd(s.inOut(params), s.in(grads), s.inOut(velocity), count, lr, momentum, nesterov, weightDecay);
        }
    }

    @Override
    public void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count,
                     float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
                     long step) {
        try (Staging s = new Staging()) {
            kernels.adam(s.inOut(params), s.in(grads), s.inOut(m), s.inOut(v), count, lr, beta1, beta2, epsilon,
                    weightDecay, decoupled, step);
        }
    }

    @Override
    public long countCorrect(MemorySegment logits, MemorySegment labels, long n, long c) {
        try (Staging s = new Staging()) {
            return kernels.countCorrect(s.in(logits), s.in(labels), n, c);
        }
    }

    @Override
    public void blend(MemorySegment into, MemorySegment other, long count, double weight) {
        try (Staging s = new Staging()) {
            kernels.blend(s.inOut(into), s.in(other), count, weight);
        }
    }

    @Override
    public double[] slotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before, long[] offsets,
                                   long[] counts) {
        try (Staging s = new Staging()) {
            return kernels.slotStatistics(s.in(values), s.in(grads), s.in(before), offsets, counts);
        }
    }

    @Override
    public void close() {
        kernels.close();
        stream.close();
    }
}
