package dev.trainer.cuda;

/** A CUDA runtime call failed; the message carries CUDA's error name and text. */
public final class CudaException extends RuntimeException {

    private final int error;

    public CudaException(String call, int error, String name, String text) {
        super(call + " failed: " + name + " (" + error + "): " + text);
        this.error = error;
    }

    /** The {@code cudaError_t} value. */
    public int error() {
        return error;
    }
}
