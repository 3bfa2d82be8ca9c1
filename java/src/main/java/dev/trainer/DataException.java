package dev.trainer;

/**
 * Bad input data: the message is one line naming the file and the problem, fit to print to the
 * user as it is. Unchecked, because nothing can recover from a malformed data set but the user.
 */
public final class DataException extends RuntimeException {

    /** @param message one line naming the file and the problem */
    public DataException(String message) {
        super(OneLine.of(message));
    }

    /** As {@link #DataException(String)}, keeping the exception that revealed the problem. */
    public DataException(String message, Throwable cause) {
        super(OneLine.of(message), cause);
    }
}
