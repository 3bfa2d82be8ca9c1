package dev.trainer.train.schedule;

/** Checks and the cosine curve the schedules share. */
final class Schedules {

    private Schedules() {
    }

    /** The point {@code fraction} of the way along half a cosine from {@code from} (at 0) to {@code to} (at 1). */
    static double cosine(double from, double to, double fraction) {
        // PyTorch's expression order, so that the fixtures match to the last bits.
        return to + (from - to) / 2 * (1 + Math.cos(Math.PI * fraction));
    }

    static void requireLearningRate(String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, not " + value);
        }
    }

    static void requirePositive(String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, not " + value);
        }
    }

    static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be >= 1, not " + value);
        }
    }
}
