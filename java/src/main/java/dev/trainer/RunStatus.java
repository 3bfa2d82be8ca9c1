package dev.trainer;

import java.util.Locale;

/** Where a run stands, as {@code run.json}'s {@code "status"} records it. */
public enum RunStatus {
    /** Training (or a process that was killed while training: {@code trainer resume} continues it). */
    RUNNING,
    /** Every epoch ran, or the step limit was reached; the model is exported. */
    COMPLETED,
    /** Early stopping ended it; its best checkpoint is exported. */
    STOPPED_EARLY,
    /** Stopped by a signal or a listener's interrupt; a checkpoint was written, nothing exported. */
    INTERRUPTED,
    /** The loss diverged; the checkpoints before it are kept, nothing exported. */
    DIVERGED,
    /** Something else went wrong (a full disk, an error): see the message it ended with. */
    FAILED;

    /** The word run.json uses: {@code running}, {@code stopped-early}, ... */
    public String spec() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException for a word that is no status */
    public static RunStatus parse(String spec) {
        for (RunStatus s : values()) {
            if (s.spec().equals(spec)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run status \"" + spec + "\"");
    }
}
