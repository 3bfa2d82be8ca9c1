package dev.trainer.train.loop;

import dev.trainer.config.StoppingConfig;
import dev.trainer.events.Scores;
import dev.trainer.runtime.ParameterBuffer;

/**
 * Watches a validation metric: remembers its best value and, when early stopping is on, a
 * checkpoint of the parameters that scored it; says when the metric has not improved by more than
 * {@code minDelta} for {@code patience} evaluations in a row.
 */
final class EarlyStopping {

    /**
     * Everything it remembers, for a loop snapshot.
     *
     * @param best           the best value seen, NaN before any
     * @param sinceBest      evaluations since the best
     * @param checkpoint     the best parameters, or {@code null} when off or before any
     * @param bestValidation the scores of {@code checkpoint}
     */
    record State(double best, int sinceBest, BestCheckpoint checkpoint, Scores bestValidation) {
    }

    /** What one evaluation meant. */
    enum Verdict { CONTINUE, CHECKPOINTED, STOP }

    private final StoppingConfig settings;
    private State state = new State(Double.NaN, 0, null, null);

    EarlyStopping(StoppingConfig settings) {
        this.settings = settings;
    }

    /**
     * Records an evaluation of the current parameters, checkpointing them when they are the best
     * so far and early stopping is on (a checkpoint is a copy of every trainable value).
     */
    Verdict observe(Scores validation, ParameterBuffer parameters, int epoch, long step) {
        boolean lower = settings.metric().lowerIsBetter();
        double value = validation.value(settings.metric());
        double best = state.best();
        boolean improved = Double.isFinite(value) && (Double.isNaN(best)
                || (lower ? value < best - settings.minDelta() : value > best + settings.minDelta()));
        if (improved) {
            boolean keep = settings.enabled();
            state = new State(value, 0, keep ? BestCheckpoint.of(parameters, epoch, step) : null,
                    keep ? validation : null);
            return keep ? Verdict.CHECKPOINTED : Verdict.CONTINUE;
        }
        state = new State(best, state.sinceBest() + 1, state.checkpoint(), state.bestValidation());
        return settings.enabled() && state.sinceBest() >= settings.patience() ? Verdict.STOP : Verdict.CONTINUE;
    }

    State state() {
        return state;
    }

    void restore(State saved) {
        state = saved;
    }

    String stopMessage() {
        BestCheckpoint checkpoint = state.checkpoint();
        return "early stopping: no improvement in " + state.sinceBest() + " evaluations"
                + (checkpoint == null ? "" : " since epoch " + checkpoint.epoch() + " (step " + checkpoint.step() + ")");
    }
}
