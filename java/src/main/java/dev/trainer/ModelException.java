package dev.trainer;

/** A model that cannot be read, written or trained as asked; the message is one line for the user. */
public class ModelException extends RuntimeException {

    /** @param message one line naming the model and the problem */
    public ModelException(String message) {
        super(OneLine.of(message));
    }

    /** As {@link #ModelException(String)}, keeping the exception that revealed the problem. */
    public ModelException(String message, Throwable cause) {
        super(OneLine.of(message), cause);
    }
}
