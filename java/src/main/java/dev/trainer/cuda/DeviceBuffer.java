package dev.trainer.cuda;

import java.lang.foreign.MemorySegment;

/**
 * One device allocation ({@code cudaMalloc}). Its {@link #segment()} carries the device address
 * and size so that it can travel where the kernels' interfaces take {@link MemorySegment}s; the
 * host must never read or write through it. Close it to free the memory.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final CudaRuntime cuda;
    private final long address;
    private final long bytes;
    private boolean closed;

    /** Allocates {@code bytes} (at least one) on the current device, 256-byte aligned as cudaMalloc guarantees. */
    public DeviceBuffer(CudaRuntime cuda, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        this.cuda = cuda;
        this.bytes = bytes;
        this.address = cuda.malloc(Math.max(1, bytes));
    }

    /** The device address as a segment of {@link #bytes()} bytes: only for passing on, never for access. */
    public MemorySegment segment() {
        return MemorySegment.ofAddress(address).reinterpret(bytes);
    }

    /** A part of the buffer, as {@link #segment()}. */
    public MemorySegment slice(long offset, long length) {
        return segment().asSlice(offset, length);
    }

    public long address() {
        return address;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.free(address);
        }
    }
}
