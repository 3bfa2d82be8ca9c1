package dev.trainer.data;

import java.util.Arrays;
import java.util.StringJoiner;

/** Element counts and printing of shapes, shared by the readers, writers and batches. */
final class Shapes {

    private Shapes() {
    }

    /** The number of elements a concrete shape holds, saturating at {@link Long#MAX_VALUE}. */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("symbolic dimension in " + Arrays.toString(shape));
            }
            try {
                count = Math.multiplyExact(count, dim);
            } catch (ArithmeticException overflow) {
                return Long.MAX_VALUE;
            }
        }
        return count;
    }

    /** A shape with {@code batch} prepended. */
    static long[] withBatch(long batch, long[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return shape;
    }

    /** A shape as users read it: {@code [?, 1, 8, 8]}, symbolic dimensions as {@code ?}. */
    static String format(long[] shape) {
        StringJoiner joined = new StringJoiner(", ", "[", "]");
        for (long dim : shape) {
            joined.add(dim == InputSpec.SYMBOLIC ? "?" : Long.toString(dim));
        }
        return joined.toString();
    }
}
