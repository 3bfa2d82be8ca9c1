package dev.trainer.train.loop;

import dev.trainer.TrainingFailedException;

/**
 * The run diverged: its loss grew by orders of magnitude or stopped being a number. Checkpoints
 * written from {@link #onset()} on hold the diverging parameters; earlier ones are good.
 */
public final class Divergence extends TrainingFailedException {

    private final long onset;

    /**
     * @param onset the first step of the excursion that diverged, or 0 when every checkpoint is good
     *              (a non-finite step is never applied)
     */
    Divergence(String message, long onset) {
        super(message);
        this.onset = onset;
    }

    /** The same divergence, its message followed by {@code more} (what the run kept of itself). */
    public Divergence explained(String more) {
        return new Divergence(getMessage() + more, onset);
    }

    /** The first step whose parameters are suspect, or 0 when none written so far is. */
    public long onset() {
        return onset;
    }
}
