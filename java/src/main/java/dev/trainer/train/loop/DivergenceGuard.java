package dev.trainer.train.loop;

import java.util.Arrays;

/**
 * Tells divergence from a bad batch while the loss is still finite: the run has diverged when the
 * median of its last {@value #RECENT} step losses is more than {@value #FACTOR} times the median of
 * its early ones (a learning rate far too high takes the demo from 1.7 to 1e14 in a few steps; a
 * healthy run's loss falls, and a single bad batch moves a median of five not at all).
 *
 * <p>The early losses are the first {@value #EARLY} that are not themselves above that line: the
 * first step's loss is measured at the starting parameters, before the learning rate did anything,
 * and a rate high enough to blow the loss up at the second step must not make the blown-up losses
 * the reference (with {@code --lr 1e6} the demo's first ten losses are 1.7 and then nine above 1e11).
 * It also remembers where the current excursion above the line began, so that the checkpoints
 * written since, which hold the diverging parameters, can be told from the good ones.
 */
final class DivergenceGuard {

    /** Steps whose median loss is the run's reference. */
    static final int EARLY = 10;
    /** Steps whose median is compared with it. */
    static final int RECENT = 5;
    /** How many times the reference counts as divergence: two orders of magnitude. */
    static final double FACTOR = 100;

    /**
     * Everything it remembers, for a loop snapshot.
     *
     * @param early  the first finite step losses not above the line, up to {@value #EARLY}
     * @param recent the latest finite step losses, oldest first, up to {@value #RECENT}
     * @param onset  the first step of the current run of losses above the line, or 0 when the last one was below
     */
    record State(double[] early, double[] recent, long onset) {

        State {
            early = early.clone();
            recent = recent.clone();
        }

        @Override
        public double[] early() {
            return early.clone();
        }

        @Override
        public double[] recent() {
            return recent.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && Arrays.equals(early, s.early) && Arrays.equals(recent, s.recent)
                    && onset == s.onset;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Arrays.hashCode(early) + Arrays.hashCode(recent)) + Long.hashCode(onset);
        }

        static final State EMPTY = new State(new double[0], new double[0], 0);
    }

    private State state = State.EMPTY;

    /**
     * Hears step {@code step}'s loss (non-finite losses are the loop's other check); returns whether
     * the run has now diverged.
     */
    boolean diverged(double loss, long step) {
        if (!Double.isFinite(loss)) {
            return false;
        }
        double[] early = state.early();
        if (early.length < EARLY && !(early.length > 0 && loss > FACTOR * median(early))) {
            early = Arrays.copyOf(early, early.length + 1);
            early[early.length - 1] = loss;
        }
        double[] recent = state.recent();
        recent = recent.length < RECENT ? Arrays.copyOf(recent, recent.length + 1)
                : Arrays.copyOfRange(recent, 1, RECENT + 1);
        recent[recent.length - 1] = loss;
        double line = FACTOR * median(early);
        long onset = loss > line ? (state.onset() == 0 ? step : state.onset()) : 0;
        state = new State(early, recent, onset);
        return recent.length == RECENT && median(recent) > line;
    }

    /** The first step of the excursion that diverged, or 0. */
    long onset() {
        return state.onset();
    }

    /** The reference the losses are judged against: the median of the early ones. */
    double reference() {
        return median(state.early());
    }

    /** How many early losses the reference is the median of. */
    int earlyCount() {
        return state.early().length;
    }

    double recentMedian() {
        return median(state.recent());
    }

    State state() {
        return state;
    }

    void restore(State saved) {
        state = saved;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
