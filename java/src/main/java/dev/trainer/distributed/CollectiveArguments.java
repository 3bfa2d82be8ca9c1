package dev.trainer.distributed;

import java.lang.foreign.MemorySegment;

/** The argument checks every {@link Collective} makes before it touches a buffer. */
final class CollectiveArguments {

    private CollectiveArguments() {
    }

    /** Throws unless {@code count} floats fit in {@code floats}, which must be native memory. */
    static void checkFloats(MemorySegment floats, long count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative float count " + count);
        }
        if (!floats.isNative()) {
            throw new IllegalArgumentException("collectives need native memory (allocate it from an Arena), not a heap segment");
        }
        if (floats.byteSize() / Float.BYTES < count) {
            throw new IllegalArgumentException("a segment of " + floats.byteSize() + " bytes holds fewer than " + count
                    + " floats");
        }
    }
}
