package dev.trainer.monitor;

import dev.trainer.runtime.ParameterBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A copy of a parameter buffer's values, taken just before an optimizer step so that
 * {@link LayerStatistics#compute} can measure the step. The loop allocates one for the run and
 * reuses it: a capture is one bulk copy, and no memory is allocated per step.
 *
 * <p>Owns its memory: close it when training ends.
 */
public final class ValueSnapshot implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final ParameterBuffer params;
    private final MemorySegment copy;

    /** Allocates room for all of {@code params}' values (gaps included, so offsets match). */
    public ValueSnapshot(ParameterBuffer params) {
        this.params = params;
        this.copy = arena.allocate(Math.max(1, params.length()) * Float.BYTES, 64);
    }

    /** Copies the buffer's current values in, replacing the previous capture; returns {@link #values()}. */
    public MemorySegment capture() {
        MemorySegment.copy(params.values(), 0, copy, 0, params.length() * Float.BYTES);
        return copy;
    }

    /** Whether this snapshot was made for that buffer (its layout changes when parameters are unfrozen). */
    public boolean covers(ParameterBuffer buffer) {
        return buffer == params;
    }

    /** The last capture, in the parameter buffer's layout. Valid until {@link #close()}. */
    public MemorySegment values() {
        return copy;
    }

    @Override
    public void close() {
        arena.close();
    }
}
