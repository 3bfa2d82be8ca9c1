package dev.trainer.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A CUDA stream: the queue that ONNX Runtime's CUDA provider and trainer's kernels share, so that
 * work runs in the order it was queued without host synchronization. Copies between host and
 * device go through it and are counted, which is how a step proves that only the batch goes in
 * and only the loss comes out.
 */
public final class CudaStream implements AutoCloseable {

    private final CudaRuntime cuda;
    private final long handle;
    private long hostToDeviceBytes;
    private long deviceToHostBytes;
    private boolean closed;

    public CudaStream(CudaRuntime cuda) {
        this.cuda = cuda;
        this.handle = cuda.streamCreate();
    }

    /** The {@code cudaStream_t}, for the kernels and for ONNX Runtime's {@code user_compute_stream}. */
    public long handle() {
        return handle;
    }

    /**
     * Queues a copy of {@code bytes} host bytes to the device. Asynchronous only from pinned
     * memory; the host memory must stay unchanged until the stream has passed the copy.
     */
    public void copyToDevice(MemorySegment host, MemorySegment device, long bytes) {
        requireSize("host", host, bytes);
        requireSize("device", device, bytes);
        cuda.memcpyAsync(device.address(), host.address(), bytes, CudaRuntime.MEMCPY_HOST_TO_DEVICE, handle);
        hostToDeviceBytes += bytes;
    }

    /** Queues a copy of {@code bytes} device bytes to the host; read them after {@link #synchronize()}. */
    public void copyToHost(MemorySegment device, MemorySegment host, long bytes) {
        requireSize("host", host, bytes);
        requireSize("device", device, bytes);
        cuda.memcpyAsync(host.address(), device.address(), bytes, CudaRuntime.MEMCPY_DEVICE_TO_HOST, handle);
        deviceToHostBytes += bytes;
    }

    /** Queues a device-to-device copy (not counted: it never crosses the bus). */
    public void copyOnDevice(MemorySegment source, MemorySegment destination, long bytes) {
        requireSize("source", source, bytes);
        requireSize("destination", destination, bytes);
        cuda.memcpyAsync(destination.address(), source.address(), bytes, CudaRuntime.MEMCPY_DEVICE_TO_DEVICE, handle);
    }

    /** Queues setting {@code bytes} device bytes to zero. */
    public void zero(MemorySegment device, long bytes) {
        requireSize("device", device, bytes);
        cuda.memsetAsync(device.address(), 0, bytes, handle);
    }

    /** Waits until everything queued so far has run; kernel errors surface here. */
    public void synchronize() {
        cuda.streamSynchronize(handle);
    }

    /** Bytes copied host to device through this stream so far. */
    public long hostToDeviceBytes() {
        return hostToDeviceBytes;
    }

    /** Bytes copied device to host through this stream so far. */
    public long deviceToHostBytes() {
        return deviceToHostBytes;
    }

    private static void requireSize(String name, MemorySegment segment, long bytes) {
        if (bytes < 0 || segment.byteSize() < bytes) {
            throw new IllegalArgumentException("cannot copy " + bytes + " bytes: the " + name + " side holds "
                    + segment.byteSize());
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.streamDestroy(handle);
        }
    }
}
