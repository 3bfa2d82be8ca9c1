package dev.trainer.events;

/** What a {@link TrainingListener} may do to the run it hears. */
public interface RunControl {

    /**
     * Asks the run to stop after the current step; the reason is recorded as its stop reason. The
     * first request wins.
     */
    void stop(String reason);

    /** Whether a stop was asked for. */
    boolean stopRequested();
}
