package dev.trainer.cli;

import dev.trainer.run.Failure;

/** What trainer's exit status means; the codes of failed runs are {@link Failure}'s. */
final class ExitCode {
    static final int OK = 0;
    /** Training ran and failed (e.g. diverged or the disk filled up), or an unexpected internal error. */
    static final int FAILED = Failure.FAILED;
    /** Bad input: options, model or data, or a run folder that cannot be resumed; nothing was written. */
    static final int BAD_INPUT = Failure.BAD_INPUT;
    // An interrupted run exits with 128 + the signal's number (Interruptions): 130 SIGINT, 143 SIGTERM.

    private ExitCode() {
    }
}
