package dev.trainer.events;

/**
 * Hears a run's events as they happen: the records {@code metrics.jsonl} holds, in the same order.
 * The console's progress display and the metrics file are listeners themselves.
 *
 * <p>Called on the training thread between steps: a slow listener slows training. A listener may
 * end the run early through {@link RunControl#stop}; the run then finishes as if it had reached its
 * last epoch (validation, export and diagnosis as usual).
 */
@FunctionalInterface
public interface TrainingListener {

    /**
     * @param event   what happened
     * @param control lets the listener stop the run after the current step
     */
    void onEvent(TrainingEvent event, RunControl control);
}
