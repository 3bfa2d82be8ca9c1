package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Arrays;

/**
 * The element type and shape of a tensor in a graph. A dimension of -1 is symbolic (the batch,
 * a sequence length); its name, when the model gave one, is kept for error messages.
 */
public record ValueType(int elementType, long[] dims, String[] dimNames) {

    public static final long SYMBOLIC = -1;

    public ValueType(int elementType, long[] dims) {
        this(elementType, dims, new String[dims.length]);
    }

    /** The type declared by a graph input or output; {@code null} when it declares no shape. */
    public static ValueType of(ValueInfoProto info) {
        if (!info.getType().hasTensorType() || !info.getType().getTensorType().hasShape()) {
            return null;
        }
        var tensor = info.getType().getTensorType();
        int rank = tensor.getShape().getDimCount();
        long[] dims = new long[rank];
        String[] names = new String[rank];
        for (int i = 0; i < rank; i++) {
            TensorShapeProto.Dimension d = tensor.getShape().getDim(i);
            dims[i] = d.hasDimValue() ? d.getDimValue() : SYMBOLIC;
            names[i] = d.hasDimParam() ? d.getDimParam() : null;
        }
        return new ValueType(tensor.getElemType(), dims, names);
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int axis) {
        return dims[axis < 0 ? axis + dims.length : axis];
    }

    /** Whether every dimension after the first (the batch) is known. */
    public boolean isStaticPerSample() {
        return Arrays.stream(dims).skip(1).allMatch(d -> d >= 0);
    }

    /** Dimensions as the user reads them, e.g. {@code [batch, 1, 8, 8]}. */
    public String shapeString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(dims[i] >= 0 ? Long.toString(dims[i]) : dimNames[i] != null && !dimNames[i].isEmpty() ? dimNames[i] : "?");
        }
        return s.append(']').toString();
    }

    @Override
    public String toString() {
        return TensorTypes.name(elementType) + shapeString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueType v && v.elementType == elementType && Arrays.equals(v.dims, dims);
    }

    @Override
    public int hashCode() {
        return 31 * elementType + Arrays.hashCode(dims);
    }
}
