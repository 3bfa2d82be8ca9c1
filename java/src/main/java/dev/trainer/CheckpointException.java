package dev.trainer;

/**
 * A checkpoint or run folder that cannot be resumed: truncated, corrupted, of another format
 * version, written for another model or other settings, or a folder in use by another process.
 * The message is one line naming the file and the problem; the command line exits with code 2.
 */
public final class CheckpointException extends RuntimeException {

    /** @param message one line naming the file and the problem */
    public CheckpointException(String message) {
        super(message);
    }

    /** As {@link #CheckpointException(String)}, keeping the exception that revealed the problem. */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
