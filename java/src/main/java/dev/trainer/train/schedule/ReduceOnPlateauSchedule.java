package dev.trainer.train.schedule;

/**
 * PyTorch's {@code ReduceLROnPlateau} in relative threshold mode without cooldown: after more than
 * {@code patience} validation results in a row that fail to beat the best so far by the relative
 * {@code threshold}, the rate is multiplied by {@code factor}, but never below {@code minLr}.
 *
 * <p>"Beat" is {@code metric < best·(1 − threshold)} when lower is better and
 * {@code metric > best·(1 + threshold)} otherwise, PyTorch's formulas as they are (for negative
 * metrics they make the threshold work the other way). A NaN metric never beats the best. Like
 * PyTorch, a reduction smaller than 1e-8 is skipped, so the rate settles at {@code minLr}.
 *
 * <p>This schedule has state: {@link #learningRate} is the current rate whatever the step, and
 * {@link #observe} may lower it. It is not thread-safe; the training loop owns it.
 */
public final class ReduceOnPlateauSchedule implements LearningRateSchedule {

    /** PyTorch's {@code eps}: reductions smaller than this are ignored. */
    private static final double MIN_CHANGE = 1e-8;

    private final double factor;
    private final int patience;
    private final double minLr;
    private final double threshold;
    private final boolean lowerIsBetter;
    private double learningRate;
    private double best;
    private int badResults;

    /**
     * @param baseLr the rate until the first reduction
     * @param factor what each reduction multiplies the rate by, in (0, 1)
     * @param patience how many results in a row may fail to improve before a reduction
     * @param minLr the floor
     * @param threshold the relative improvement that counts as better (PyTorch's default is 1e-4)
     * @param lowerIsBetter true for a loss, false for e.g. an accuracy
     */
    public ReduceOnPlateauSchedule(double baseLr, double factor, int patience, double minLr, double threshold,
            boolean lowerIsBetter) {
        Schedules.requireLearningRate("base lr", baseLr);
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("plateau factor must be in (0, 1), not " + factor);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("plateau patience must be >= 0, not " + patience);
        }
        Schedules.requireLearningRate("min lr", minLr);
        if (!(threshold >= 0 && Double.isFinite(threshold))) {
            throw new IllegalArgumentException("plateau threshold must be a finite number >= 0, not " + threshold);
        }
        this.factor = factor;
        this.patience = patience;
        this.minLr = minLr;
        this.threshold = threshold;
        this.lowerIsBetter = lowerIsBetter;
        this.learningRate = baseLr;
        this.best = lowerIsBetter ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** The current rate: the base rate as reduced by the results observed so far. */
    @Override
    public double learningRate(long step) {
        return learningRate;
    }

    /** Counts {@code validationMetric} towards a plateau, and reduces the rate when patience runs out. */
    @Override
    public void observe(double validationMetric) {
        boolean better = lowerIsBetter ? validationMetric < best * (1 - threshold)
                : validationMetric > best * (1 + threshold);
        if (better) {
            best = validationMetric;
            badResults = 0;
        } else if (++badResults > patience) {
            double reduced = Math.max(learningRate * factor, minLr);
            if (learningRate - reduced > MIN_CHANGE) {
                learningRate = reduced;
            }
            badResults = 0;
        }
    }

    @Override
    public ScheduleState state() {
        return new ScheduleState(learningRate, best, badResults);
    }

    @Override
    public void restore(ScheduleState state) {
        learningRate = state.learningRate();
        best = state.best();
        badResults = state.badResults();
    }

    @Override
    public String toString() {
        return "ReduceOnPlateauSchedule[lr=" + learningRate + ", factor=" + factor + ", patience=" + patience
                + ", minLr=" + minLr + ", threshold=" + threshold + ", lowerIsBetter=" + lowerIsBetter + "]";
    }
}
