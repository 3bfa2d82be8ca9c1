package dev.trainer.runtime;

import dev.trainer.data.HostTensor;
import dev.trainer.ort.NativeMemoryInfo;
import dev.trainer.ort.NativeSessionOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The host and ORT's CPU execution provider: batches and parameters are used where they lie. */
final class HostPlacement implements Placement {

    private final NativeMemoryInfo memoryInfo = NativeMemoryInfo.cpu();

    @Override
    public boolean isHost() {
        return true;
    }

    @Override
    public NativeMemoryInfo memoryInfo() {
        return memoryInfo;
    }

    @Override
    public void configure(NativeSessionOptions options) {
        // ORT's CPU provider is always there.
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
    public MemorySegment stage(String name, HostTensor tensor) {
        return MemorySegment.ofBuffer(tensor.data());
    }

    @Override
    public void close() {
        memoryInfo.close();
    }
}
