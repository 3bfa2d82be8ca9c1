package dev.trainer.train;

import dev.trainer.config.StoppingConfig;
import dev.trainer.runtime.ParameterBuffer;

/**
 * Watches a validation metric: remembers its best value and, when early stopping is on, a
 * checkpoint of the parameters that scored it; says when the metric has not improved by more than
 * {@code minDelta} for {@code patience} evaluations in a row.
 */
final class EarlyStopping {

    private final StoppingConfig settings;
    private double best = Double.NaN;
    private int sinceBest;
    private Checkpoint checkpoint;
    private Evaluation bestEvaluation;

    EarlyStopping(StoppingConfig settings) {
        this.settings = settings;
    }

    /**
     * Records an evaluation of the current parameters, checkpointing them when they are the best
     * so far and early stopping is on (a checkpoint is a copy of every trainable value).
     *
     * @return whether training should stop now
     */
    boolean observe(Evaluation validation, ParameterBuffer parameters, int epoch, long step) {
        double value = settings.metric().lowerIsBetter() ? validation.loss() : validation.accuracy();
        boolean improved = Double.isFinite(value) && (Double.isNaN(best)
                || (settings.metric().lowerIsBetter() ? value < best - settings.minDelta() : value > best + settings.minDelta()));
        if (improved) {
            best = value;
            sinceBest = 0;
            if (settings.enabled()) {
                checkpoint = new Checkpoint(parameters, epoch, step);
                bestEvaluation = validation;
            }
        } else {
            sinceBest++;
        }
        return settings.enabled() && sinceBest >= settings.patience();
    }

    /** The best checkpoint, or {@code null} when early stopping is off or nothing scored yet. */
    Checkpoint best() {
        return checkpoint;
    }

    /** The evaluation of {@link #best()}. */
    Evaluation bestEvaluation() {
        return bestEvaluation;
    }

    double bestValue() {
        return best;
    }

    String stopMessage() {
        return "early stopping: no improvement in " + sinceBest + " evaluations"
                + (checkpoint == null ? "" : " since epoch " + checkpoint.epoch() + " (step " + checkpoint.step() + ")");
    }
}
