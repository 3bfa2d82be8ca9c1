package dev.trainer.cli;

import dev.trainer.events.RunControl;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM during a run: the first asks the run to stop after the step it is
 * in, write a checkpoint and say how to resume; a second exits at once (every file trainer writes
 * is written atomically, so nothing is left half-written, only a temporary file that resume
 * removes). Either way the exit code is the shell's convention, 128 + the signal's number: 130
 * for SIGINT, 143 for SIGTERM. The JVM's own handlers, which would run the shutdown hooks and
 * exit, are put back when the run ends.
 *
 * <p>One rank of a data-parallel job cannot finish a step alone: the other ranks' launcher sends
 * them the same signal, or ends them when one rank exits. A rank exits at once on the first signal,
 * with the same code and without the resume advice (rank 0's last checkpoint stays as it was).
 */
final class Interruptions implements TrainingListener, AutoCloseable {

    private static final Map<String, Integer> SIGNALS = Map.of("INT", 2, "TERM", 15);

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final boolean oneOfSeveralRanks;
    private volatile RunControl control;
    private volatile String received;

    /**
     * Handles both signals from now until {@link #close()}.
     *
     * @param oneOfSeveralRanks whether this process is one rank of a data-parallel job of several
     */
    Interruptions(boolean oneOfSeveralRanks) {
        this.oneOfSeveralRanks = oneOfSeveralRanks;
        for (String name : SIGNALS.keySet()) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, this::handle));
        }
    }

    private void handle(Signal signal) {
        int code = 128 + SIGNALS.get(signal.getName());
        RunControl run = control;
        if (received != null || run == null || oneOfSeveralRanks) {
            Runtime.getRuntime().halt(code);
        }
        received = "SIG" + signal.getName();
        System.err.println("trainer: " + received + ": finishing the step and writing a checkpoint (again to quit at once)");
        run.interrupt("interrupted by " + received);
    }

    @Override
    public void onEvent(TrainingEvent event, RunControl control) {
        this.control = control;
    }

    /** The signal that interrupted the run, e.g. {@code SIGINT}, or {@code null}. */
    String received() {
        return received;
    }

    /** The exit code of an interrupted run: 130 for SIGINT, 143 for SIGTERM. */
    int exitCode() {
        return 128 + SIGNALS.get(received.substring(3));
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
