package dev.trainer.train;

/**
 * Watches a validation metric: remembers its best value and says when it has not improved by
 * more than {@code minDelta} for {@code patience} evaluations in a row.
 */
final class EarlyStopping {

    private final TrainConfig.StoppingSettings settings;
    private double best = Double.NaN;
    private int sinceBest;

    EarlyStopping(TrainConfig.StoppingSettings settings) {
        this.settings = settings;
    }

    /** Records an evaluation; returns whether it is the best so far. */
    boolean observe(Evaluation validation) {
        double value = settings.lowerIsBetter() ? validation.loss() : validation.accuracy();
        boolean improved = Double.isFinite(value) && (Double.isNaN(best)
                || (settings.lowerIsBetter() ? value < best - settings.minDelta() : value > best + settings.minDelta()));
        if (improved) {
            best = value;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        return improved;
    }

    boolean shouldStop() {
        return settings.enabled() && sinceBest >= settings.patience();
    }

    double best() {
        return best;
    }

    int evaluationsSinceBest() {
        return sinceBest;
    }
}
