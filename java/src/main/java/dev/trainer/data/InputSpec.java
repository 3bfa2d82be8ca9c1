package dev.trainer.data;

import dev.trainer.DataException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A model input as the data needs it: its name, element type and shape. Dimension 0 is the
 * batch; a dimension of -1 is symbolic and takes whatever the data gives.
 *
 * @param shape the full shape, batch first; copied, and copied again by the accessor
 */
public record InputSpec(String name, ElementType type, long[] shape) {

    /** The value of a symbolic dimension. */
    public static final long SYMBOLIC = -1;

    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (shape.length == 0) {
            throw new IllegalArgumentException("input '" + name + "' is a scalar: it has no batch dimension");
        }
        for (long dim : shape) {
            if (dim < SYMBOLIC) {
                throw new IllegalArgumentException("input '" + name + "' has dimension " + dim);
            }
        }
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape of one sample: the full shape without the batch dimension, possibly symbolic. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * The sample shape of a flat row of {@code values} numbers (a CSV row, a Java array), at most
     * one symbolic dimension solved from the count: a row is flat, so two unknown dimensions could
     * be split many ways.
     *
     * @param source names the data in errors
     * @param unit   what the values are, in errors: {@code feature columns}, {@code values per sample}
     * @throws DataException when the row does not fill the shape
     */
    public long[] sampleShapeFor(long values, String source, String unit) {
        if (values == 0) {
            throw new DataException(source + " has no " + unit + ", only the labels");
        }
        long[] sample = sampleShape();
        int symbolic = -1;
        long known = 1;
        for (int i = 0; i < sample.length; i++) {
            if (sample[i] != SYMBOLIC) {
                known *= sample[i];
            } else if (symbolic < 0) {
                symbolic = i;
            } else {
                throw new DataException(source + ": input '" + name + "' has shape " + Shapes.format(shape)
                        + ", more than one unknown dimension besides the batch; a flat row cannot fill it, use an NPZ file");
            }
        }
        if (symbolic >= 0 && known > 0 && values % known == 0) {
            sample[symbolic] = values / known;
            return sample;
        }
        if (symbolic < 0 && known == values) {
            return sample;
        }
        throw new DataException(source + " has " + values + " " + unit + ", but input '" + name
                + "' of shape " + Shapes.format(shape) + " takes " + (symbolic < 0 ? known + "" : "a multiple of " + known));
    }

    /** True when a sample of the given concrete shape fits, symbolic dimensions taking any size. */
    public boolean accepts(long[] concreteSampleShape) {
        if (concreteSampleShape.length != shape.length - 1) {
            return false;
        }
        for (int i = 0; i < concreteSampleShape.length; i++) {
            long want = shape[i + 1];
            if (want != SYMBOLIC && want != concreteSampleShape[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputSpec that && name.equals(that.name) && type == that.type
                && Arrays.equals(shape, that.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
