package dev.trainer.cli;

/** What trainer's exit status means. */
final class ExitCode {
    static final int OK = 0;
    /** Training ran and failed (e.g. diverged), or an unexpected internal error. */
    static final int FAILED = 1;
    /** Bad input: options, model or data, or a run folder that cannot be resumed; nothing was written. */
    static final int BAD_INPUT = 2;
    // An interrupted run exits with 128 + the signal's number (Interruptions): 130 SIGINT, 143 SIGTERM.

    private ExitCode() {
    }
}
