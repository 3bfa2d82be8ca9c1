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

    /**
     * Asks the run to stop after the current step because it is being interrupted (a signal, a
     * user's cancel): unlike {@link #stop}, the run writes a checkpoint, records itself as
     * interrupted and exports nothing, so that it can be resumed. May be called from any thread.
     */
    default void interrupt(String reason) {
        stop(reason);
    }
}
