package dev.trainer.distributed;

/** A collective operation failed: MPI returned an error, with MPI's own text in the message. */
public final class CollectiveException extends RuntimeException {

    public CollectiveException(String message) {
        super(message);
    }
}
