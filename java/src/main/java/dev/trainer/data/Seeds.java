package dev.trainer.data;

/**
 * Seeds of every random draw of a run, each a pure function of the run's seed and where the draw
 * happens (the epoch of a shuffle, the step of a mixup, the step and node of a Dropout mask), so
 * that no random generator carries state from one step to the next: a run resumed at any step
 * draws exactly what the uninterrupted run drew, and nothing has to be saved but the seed.
 *
 * <p>Each counter is mixed in with SplitMix64's finalizer (Steele, Lea and Flood 2014), so that
 * neighbouring counters give unrelated seeds: seeding with {@code seed + epoch} would give
 * SplittableRandom streams that are shifted copies of one another.
 */
public final class Seeds {

    /** Streams of draws, mixed into the seed so that, say, step 3's mixup and step 3's dropout differ. */
    public static final long MIXUP = 0x6D69787570L;
    public static final long DROPOUT = 0x64726F706FL;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** The seed at one point: the run's {@code seed} mixed with each counter in turn. */
    public static long derive(long seed, long... counters) {
        long z = seed;
        for (long c : counters) {
            z = mix(z + GOLDEN_GAMMA * (c + 1));
        }
        return z;
    }

    /** SplitMix64's finalizer: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
