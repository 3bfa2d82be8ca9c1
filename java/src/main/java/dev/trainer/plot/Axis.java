package dev.trainer.plot;

/**
 * One axis of a drawn panel: the span it shows, in axis units (the base-10 logarithm of the
 * value on a log axis), where a value falls in it, and its ticks.
 */
record Axis(double lo, double hi, boolean log) {

    /**
     * The axis over values from {@code lo} to {@code hi} (axis units): a single value is first
     * widened by {@code half} on each side, then the span by {@code pad} of itself on each side.
     */
    static Axis around(double lo, double hi, boolean log, double half, double pad) {
        if (lo == hi) {
            lo -= half;
            hi += half;
        }
        double margin = (hi - lo) * pad;
        return new Axis(lo - margin, hi + margin, log);
    }

    /** Whether {@code v} can be placed on this axis: finite, and positive on a log axis. */
    boolean drawable(double v) {
        return Double.isFinite(v) && (!log || v > 0);
    }

    /** {@code v} in axis units. */
    double unit(double v) {
        return log ? Math.log10(v) : v;
    }

    /** Where {@code v} lies between the axis's ends: 0 at {@code lo}, 1 at {@code hi}. */
    double fraction(double v) {
        return (unit(v) - lo) / (hi - lo);
    }

    /** Round values to mark: about {@code target} of them on a linear axis, powers of ten (and 2, 5 times them) on a log one. */
    double[] ticks(int target) {
        return log ? Ticks.log(Math.pow(10, lo), Math.pow(10, hi)) : Ticks.linear(lo, hi, target);
    }

    /** A tick's label, for ticks from {@link #ticks} with the same {@code target}. */
    String label(double tick, int target) {
        return log ? Ticks.logLabel(tick) : Ticks.label(tick, Ticks.step(lo, hi, target));
    }
}
