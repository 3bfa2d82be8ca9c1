package dev.trainer.runtime;

import dev.trainer.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link Placement} that behaves as a device but is host memory, so that the device code path
 * (the placed buffers apart from the {@link ParameterBuffer}, the host copy brought up to date on
 * demand, the batch and labels staged, the optimizer's moments and the snapshot in placed memory)
 * runs on a CPU with ORT's CPU provider and the given kernels. Nothing is shared with the host
 * side: every buffer is an allocation of its own, and every byte that crosses "the bus" is
 * counted, as {@code CudaStream} counts a GPU's.
 */
public final class DeviceStandIn implements Placement {

    private final Kernels kernels;
    private final Arena arena = Arena.ofShared();
    private final Map<String, MemorySegment> staging = new HashMap<>();
    private long bytesIn;
    private long bytesOut;

    public DeviceStandIn(Kernels kernels) {
        this.kernels = kernels;
    }

    /** Bytes copied from the host so far (uploads and staging). */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes copied to the host so far. */
    public long bytesOut() {
        return bytesOut;
    }

    @Override
    public boolean isHost() {
        return false;
    }

    @Override
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public PlacedMemory allocate(long bytes) {
        Arena own = Arena.ofShared();
        MemorySegment memory = own.allocate(Math.max(1, bytes), 256).asSlice(0, bytes);
        return new PlacedMemory() {
            @Override
            public MemorySegment segment() {
                return memory;
            }

            @Override
            public void close() {
                own.close();
            }
        };
    }

    @Override
    public void upload(MemorySegment host, MemorySegment placed, long bytes) {
        MemorySegment.copy(host, 0, placed, 0, bytes);
        bytesIn += bytes;
    }

    @Override
    public void download(MemorySegment placed, MemorySegment host, long bytes) {
        MemorySegment.copy(placed, 0, host, 0, bytes);
        bytesOut += bytes;
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
        MemorySegment buffer = staging.get(key);
        if (buffer == null || buffer.byteSize() < host.byteSize()) {
            buffer = arena.allocate(Math.max(1, host.byteSize()), 256);
            staging.put(key, buffer);
        }
        MemorySegment placed = buffer.asSlice(0, host.byteSize());
        upload(host, placed, host.byteSize());
        return placed;
    }

    @Override
    public void close() {
        arena.close();
    }
}
