package dev.trainer.runtime;

import dev.trainer.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The host: data is used where it lies, and the given kernels (the native C kernels by default) compute on it. */
public final class HostPlacement implements Placement {

    private final Kernels kernels;

    public HostPlacement(Kernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public boolean isHost() {
        return true;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public PlacedMemory allocate(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment memory = arena.allocate(Math.max(1, bytes), 64).asSlice(0, bytes);
        return new PlacedMemory() {
            @Override
            public MemorySegment segment() {
                return memory;
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    @Override
    public void upload(MemorySegment host, MemorySegment placed, long bytes) {
        MemorySegment.copy(host, 0, placed, 0, bytes);
    }

    @Override
    public void download(MemorySegment placed, MemorySegment host, long bytes) {
        MemorySegment.copy(placed, 0, host, 0, bytes);
    }

    @Override
    public void copy(MemorySegment from, MemorySegment to, long bytes) {
        MemorySegment.copy(from, 0, to, 0, bytes);
    }

    @Override
    public void zero(MemorySegment placed, long bytes) {
        placed.asSlice(0, bytes).fill((byte) 0);
    }

    @Override
    public MemorySegment stage(String key, MemorySegment host) {
        return host;
    }

    @Override
    public void close() {
        // Nothing is held: every allocation is closed by its owner.
    }
}
