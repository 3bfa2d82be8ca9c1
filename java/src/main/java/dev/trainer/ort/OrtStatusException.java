package dev.trainer.ort;

/** An ONNX Runtime C API call returned an error status; the message is ORT's. */
public final class OrtStatusException extends RuntimeException {

    private final int code;

    OrtStatusException(String call, int code, String message) {
        super(call + " failed: " + message);
        this.code = code;
    }

    /** ORT's {@code OrtErrorCode}. */
    public int code() {
        return code;
    }
}
