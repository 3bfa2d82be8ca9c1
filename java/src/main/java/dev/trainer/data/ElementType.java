package dev.trainer.data;

/** The element type of a model input as the data package fills it: ONNX's tensor types, minus ORT. */
public enum ElementType {
    FLOAT(4),
    DOUBLE(8),
    INT64(8),
    INT32(4),
    BOOL(1);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes one element takes in a batch buffer. */
    public int bytes() {
        return bytes;
    }

    /** True for the types a {@link Feature} holds as floats; the others it holds as longs. */
    public boolean isFloating() {
        return this == FLOAT || this == DOUBLE;
    }

    /** Whether an integer value survives being stored as this type: INT32's range, BOOL's 0 and 1. */
    boolean fits(long value) {
        return switch (this) {
            case INT32 -> value == (int) value;
            case BOOL -> value == 0 || value == 1;
            default -> true;
        };
    }
}
