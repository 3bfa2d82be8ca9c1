package dev.trainer.train.loop;

import dev.trainer.events.NoteEvent;
import dev.trainer.events.RunControl;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The listeners of a run, and the run's control for them: every event goes to each listener in
 * turn and is kept, so a listener attached late (the metrics file, once its folder may be written)
 * hears the run from its first event.
 */
public final class Listeners implements RunControl {

    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<TrainingEvent> events = new ArrayList<>();
    /** Events of an earlier process of the same run (resumed): history, not told again. */
    private int earlier;
    private volatile boolean interrupted;
    /** Set by a listener, or by another thread (a signal handler) while the loop runs. */
    private volatile String stopReason;

    public Listeners(List<TrainingListener> initial) {
        listeners.addAll(initial);
    }

    /** Adds a listener, telling it every event of this process so far first. */
    public void attach(TrainingListener listener) {
        events.subList(earlier, events.size()).forEach(e -> listener.onEvent(e, this));
        listeners.add(listener);
    }

    /**
     * Puts the events of the run before it was resumed ahead of this process's, for the diagnosis
     * and plot of the whole run; listeners are not told them again.
     */
    public void precede(List<TrainingEvent> before) {
        events.addAll(0, before);
        earlier += before.size();
    }

    /** Tells every listener. */
    public void emit(TrainingEvent event) {
        events.add(event);
        for (TrainingListener listener : listeners) {
            listener.onEvent(event, this);
        }
    }

    /** Tells every listener a line for people. */
    public void note(String text) {
        emit(new NoteEvent(text));
    }

    /** Everything emitted so far, in order. */
    public List<TrainingEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public synchronized void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    @Override
    public synchronized void interrupt(String reason) {
        interrupted = true;
        stop(reason);
    }

    @Override
    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Whether the stop asked for is an interruption ({@link #interrupt}). */
    public boolean interrupted() {
        return interrupted;
    }

    /** Why a listener stopped the run, or {@code null}. */
    String stopReason() {
        return stopReason;
    }
}
