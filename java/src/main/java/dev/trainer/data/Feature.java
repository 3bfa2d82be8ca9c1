package dev.trainer.data;

import java.util.Objects;

/**
 * The values of one model input for every sample, row-major, sample after sample. Floating
 * inputs (FLOAT, DOUBLE) are held as {@code float[]}, since training runs in float32; integer
 * inputs (INT64, INT32, BOOL) as {@code long[]}. Exactly one of the two arrays is non-null.
 *
 * <p>The value array is not copied: whoever builds a feature hands it over and must not change
 * it afterwards.
 *
 * @param sampleShape the concrete shape of one sample, without the batch dimension
 */
public record Feature(ElementType type, long[] sampleShape, float[] floats, long[] longs) {

    public Feature {
        Objects.requireNonNull(type, "type");
        sampleShape = sampleShape.clone();
        long sampleSize = Shapes.elementCount(sampleShape);
        if (sampleSize < 1 || sampleSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sample shape " + Shapes.format(sampleShape) + " holds "
                    + sampleSize + " elements");
        }
        if (type.isFloating() != (floats != null) || (floats == null) == (longs == null)) {
            throw new IllegalArgumentException(type + " feature needs exactly its "
                    + (type.isFloating() ? "float" : "long") + " values");
        }
        int length = floats != null ? floats.length : longs.length;
        if (length % sampleSize != 0) {
            throw new IllegalArgumentException(length + " values are not whole samples of "
                    + Shapes.format(sampleShape));
        }
    }

    /** A FLOAT or DOUBLE feature. */
    public static Feature ofFloats(ElementType type, long[] sampleShape, float[] values) {
        return new Feature(type, sampleShape, values, null);
    }

    /** An INT64, INT32 or BOOL feature. */
    public static Feature ofLongs(ElementType type, long[] sampleShape, long[] values) {
        return new Feature(type, sampleShape, null, values);
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Elements in one sample. */
    public int sampleSize() {
        return (int) Shapes.elementCount(sampleShape);
    }

    /** Number of samples. */
    public int size() {
        return (floats != null ? floats.length : longs.length) / sampleSize();
    }

    /** The samples at {@code indices}, in that order, in new arrays. */
    public Feature subset(int[] indices) {
        int sampleSize = sampleSize();
        if (floats != null) {
            float[] picked = new float[indices.length * sampleSize];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(floats, Math.multiplyExact(indices[i], sampleSize), picked, i * sampleSize, sampleSize);
            }
            return ofFloats(type, sampleShape, picked);
        }
        long[] picked = new long[indices.length * sampleSize];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(longs, Math.multiplyExact(indices[i], sampleSize), picked, i * sampleSize, sampleSize);
        }
        return ofLongs(type, sampleShape, picked);
    }
}
