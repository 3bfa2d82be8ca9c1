package dev.trainer.train;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.DeviceBuffer;
import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.kernels.CudaKernels;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.LossFunction;
import java.lang.foreign.MemorySegment;

/**
 * A loss on the GPU, for a session whose outputs live in device memory: each call copies the
 * batch's labels to the device through the session's stream (the only bytes it sends) and runs
 * the loss kernel there; the loss value is the only thing read back. Owns its label buffer.
 */
public final class DeviceLoss implements LossFunction, AutoCloseable {

    private final CudaRuntime cuda;
    private final CudaStream stream;
    private final Losses.LabelledLoss loss;
    private DeviceBuffer labels;

    /** The loss {@code kind} through {@code kernels}, which must queue on {@code stream}; no class weights. */
    public DeviceLoss(LossKind kind, CudaRuntime cuda, CudaStream stream, CudaKernels kernels) {
        this.cuda = cuda;
        this.stream = stream;
        this.loss = Losses.labelled(kind, kernels, MemorySegment.NULL);
    }

    @Override
    public double lossAndGradient(MemorySegment outputs, long[] outputShape, Batch batch, MemorySegment dOutputs) {
        HostTensor host = batch.labels();
        long bytes = host.data().remaining();
        if (labels == null || labels.bytes() < bytes) {
            if (labels != null) {
                stream.synchronize();
                labels.close();
            }
            labels = new DeviceBuffer(cuda, bytes);
        }
        MemorySegment device = labels.slice(0, bytes);
        stream.copyToDevice(MemorySegment.ofBuffer(host.data()), device, bytes);
        return loss.apply(outputs, outputShape, device, TensorTypes.elementCount(host.shape()), dOutputs);
    }

    @Override
    public void close() {
        if (labels != null) {
            stream.synchronize();
            labels.close();
        }
    }
}
