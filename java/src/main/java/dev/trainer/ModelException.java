package dev.trainer;

/** A model that cannot be read, written or trained as asked; the message is one line for the user. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
