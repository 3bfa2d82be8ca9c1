package dev.trainer;

/**
 * Bad input data: the message is one line naming the file and the problem, fit to print to the
 * user as it is. Unchecked, because nothing can recover from a malformed data set but the user.
 */
public final class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
