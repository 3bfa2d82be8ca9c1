package dev.trainer.data;

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
