package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Builds and reads the native float and int segments the kernel tests work on. */
final class Segments {

    private Segments() {
    }

    static MemorySegment floats(Arena arena, float... values) {
        return arena.allocateFrom(JAVA_FLOAT, values);
    }

    static MemorySegment ints(Arena arena, int... values) {
        return arena.allocateFrom(JAVA_INT, values);
    }

    /** Gaussian values times {@code scale}; never a NULL segment, even when empty. */
    static MemorySegment gaussian(Arena arena, long count, SplittableRandom random, double scale) {
        MemorySegment segment = arena.allocate(JAVA_FLOAT, Math.max(count, 1));
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) (random.nextGaussian() * scale));
        }
        return segment.asSlice(0, count * Float.BYTES);
    }

    /** Values drawn uniformly from [min, max). */
    static MemorySegment uniform(Arena arena, long count, SplittableRandom random, double min, double max) {
        MemorySegment segment = arena.allocate(JAVA_FLOAT, Math.max(count, 1));
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) random.nextDouble(min, max));
        }
        return segment.asSlice(0, count * Float.BYTES);
    }

    /** A copy in fresh memory, so that two implementations can update the same start state. */
    static MemorySegment copy(Arena arena, MemorySegment source) {
        MemorySegment copy = arena.allocate(Math.max(source.byteSize(), 4), 4);
        MemorySegment.copy(source, 0, copy, 0, source.byteSize());
        return copy.asSlice(0, source.byteSize());
    }

    static float[] toFloats(MemorySegment segment) {
        return segment.toArray(JAVA_FLOAT);
    }
}
