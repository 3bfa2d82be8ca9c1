package dev.trainer.runtime;

import dev.trainer.kernels.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * Where a training step keeps its numbers and computes on them: the flat parameter and gradient
 * buffers, the model output and its gradient, the optimizer's moments, the statistics snapshot
 * and the labels, with the {@link Kernels} that work on that memory. The host
 * ({@link HostPlacement}) or a GPU ({@link CudaPlacement}); the step's code is the same for both,
 * and only this interface moves bytes between the host and the placement.
 *
 * <p>A runtime owns its placement, and every session it opens uses it: close it after them.
 */
public interface Placement extends AutoCloseable {

    /**
     * Whether this is host memory that a {@link ParameterBuffer} can share: then the graphs read
     * the buffer itself. A placement on a device (or standing in for one) answers false, and the
     * buffer becomes a host copy brought up to date when read.
     */
    boolean isHost();

    /** The kernels for this memory: every segment they are given must be placed here. */
    Kernels kernels();

    /** A zeroed buffer of {@code bytes} here, 64-byte aligned at least. */
    PlacedMemory allocate(long bytes);

    /** Copies host bytes here. The host side may be reused once this returns. */
    void upload(MemorySegment host, MemorySegment placed, long bytes);

    /** Copies bytes from here to the host, and waits for them. */
    void download(MemorySegment placed, MemorySegment host, long bytes);

    /** Copies bytes within this placement's memory. */
    void copy(MemorySegment from, MemorySegment to, long bytes);

    /** Sets bytes here to zero. */
    void zero(MemorySegment placed, long bytes);

    /**
     * Host data (a batch input, the labels) where the kernels and graphs read it: the host memory
     * itself on the host, a copy on a device, kept in a buffer per {@code key} that the next call
     * with the same key reuses.
     */
    MemorySegment stage(String key, MemorySegment host);

    @Override
    void close();
}
