package dev.trainer.runtime;

import java.lang.foreign.MemorySegment;

/** A buffer in a {@link Placement}'s memory: host memory, or device memory the host must not touch. */
public interface PlacedMemory extends AutoCloseable {

    MemorySegment segment();

    @Override
    void close();
}
