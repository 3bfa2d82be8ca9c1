package dev.trainer.monitor;

/**
 * A {@code metrics.jsonl} that cannot be read: missing, unreadable, or a line that is not a
 * well-formed event. The message is one line naming the file and, for bad content, the line.
 * An {@link IllegalArgumentException} so that the CLI reports it as bad input (exit code 2).
 */
public final class MetricsFileException extends IllegalArgumentException {

    public MetricsFileException(String message) {
        super(message);
    }
}
