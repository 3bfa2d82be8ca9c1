package dev.trainer.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory ({@code cudaMallocHost}): what asynchronous copies to and from the
 * device need to be truly asynchronous. The host reads and writes it through {@link #segment()}.
 */
public final class PinnedBuffer implements AutoCloseable {

    private final CudaRuntime cuda;
    private final long address;
    private final long bytes;
    private boolean closed;

    public PinnedBuffer(CudaRuntime cuda, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        this.cuda = cuda;
        this.bytes = bytes;
        this.address = cuda.mallocHost(Math.max(1, bytes));
    }

    public MemorySegment segment() {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.freeHost(address);
        }
    }
}
