package dev.trainer.cli;

/** What trainer's exit status means. */
final class ExitCode {
    static final int OK = 0;
    /** Training ran and failed (e.g. diverged), or an unexpected internal error. */
    static final int FAILED = 1;
    /** Bad input: options, model or data; nothing was written. */
    static final int BAD_INPUT = 2;

    private ExitCode() {
    }
}
