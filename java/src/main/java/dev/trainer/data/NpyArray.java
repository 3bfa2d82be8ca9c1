package dev.trainer.data;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One array read from an .npy file: its type, its shape (first axis the samples) and its
 * elements, little-endian and in C order.
 */
record NpyArray(NpyDtype dtype, long[] shape, ByteBuffer data) {

    /** Number of elements. */
    int elementCount() {
        return data.capacity() / dtype.bytes();
    }

    /** The shape after the first axis. */
    long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /** The elements as floats, whatever the type; float64 and large integers round. */
    float[] toFloats() {
        float[] values = new float[elementCount()];
        switch (dtype) {
            case FLOAT32 -> data.asFloatBuffer().get(values);
            case FLOAT64 -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) data.getDouble(i * 8);
                }
            }
            default -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = integerAt(i);
                }
            }
        }
        return values;
    }

    /** The elements as longs; only for integer and boolean arrays. */
    long[] toLongs() {
        if (dtype.isFloating()) {
            throw new IllegalStateException(dtype + " is not an integer type");
        }
        long[] values = new long[elementCount()];
        if (dtype == NpyDtype.INT64) {
            data.asLongBuffer().get(values);
        } else {
            for (int i = 0; i < values.length; i++) {
                values[i] = integerAt(i);
            }
        }
        return values;
    }

    private long integerAt(int index) {
        return switch (dtype) {
            case INT64 -> data.getLong(index * 8);
            case INT32 -> data.getInt(index * 4);
            case INT16 -> data.getShort(index * 2);
            case INT8 -> data.get(index);
            case UINT8, BOOL -> data.get(index) & 0xff;
            case FLOAT32, FLOAT64 -> throw new IllegalStateException(dtype + " is not an integer type");
        };
    }
}
