package dev.trainer.monitor;

import dev.trainer.runtime.PlacedMemory;
import dev.trainer.runtime.PlacedParameters;
import java.lang.foreign.MemorySegment;

/**
 * A copy of the placed parameter values, taken just before an optimizer step so that
 * {@link LayerStatistics#compute} can measure the step. It lives where the values do (on a GPU,
 * in device memory: a capture crosses no bus). The loop allocates one for the run and reuses it:
 * a capture is one bulk copy, and no memory is allocated per step.
 *
 * <p>Owns its memory: close it when training ends.
 */
public final class ValueSnapshot implements AutoCloseable {

    private final PlacedParameters params;
    private final PlacedMemory copy;

    /** Allocates room for all of {@code params}' values (gaps included, so offsets match), in their placement. */
    public ValueSnapshot(PlacedParameters params) {
        this.params = params;
        this.copy = params.placement().allocate(Math.max(1, params.length()) * Float.BYTES);
    }

    /** Copies the buffer's current values in, replacing the previous capture; returns {@link #values()}. */
    public MemorySegment capture() {
        params.placement().copy(params.values(), copy.segment(), params.length() * Float.BYTES);
        return copy.segment();
    }

    /** Whether this snapshot was made for those buffers (their layout changes when parameters are unfrozen). */
    public boolean covers(PlacedParameters buffers) {
        return buffers == params;
    }

    /** The last capture, in the parameter buffer's layout and placement. Valid until {@link #close()}. */
    public MemorySegment values() {
        return copy.segment();
    }

    @Override
    public void close() {
        copy.close();
    }
}
