package dev.trainer.cuda;

/**
 * CUDA cannot be used here: a library, the driver or a GPU is missing. The message is one line
 * that says what is missing and what to install; the command line reports it with exit code 2.
 */
public final class CudaUnavailableException extends IllegalArgumentException {

    public CudaUnavailableException(String message) {
        super(message);
    }

    public CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
