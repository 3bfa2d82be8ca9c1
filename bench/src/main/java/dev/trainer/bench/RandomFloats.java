package dev.trainer.bench;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Off-heap float buffers with seeded Gaussian contents, for benchmark states. */
final class RandomFloats {

    private RandomFloats() {
    }

    static MemorySegment gaussian(Arena arena, long count, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        MemorySegment segment = arena.allocate(JAVA_FLOAT, count);
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(JAVA_FLOAT, i, (float) (random.nextGaussian() * scale));
        }
        return segment;
    }
}
