package dev.trainer.cli;

import dev.trainer.run.Failure;

/** What trainer's exit status means; the codes of failed runs are {@link Failure}'s. */
final class ExitCode {
    static final int OK = 0;
    /** Bad input: options, model or data; nothing was written. */
    static final int BAD_INPUT = Failure.BAD_INPUT;

    private ExitCode() {
    }
}
