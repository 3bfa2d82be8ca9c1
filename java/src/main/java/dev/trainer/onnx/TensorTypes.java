package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import dev.trainer.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Element types, sizes and the byte layout of ONNX tensors. */
public final class TensorTypes {

    private TensorTypes() {
    }

    public static long elementCount(List<Long> dims) {
        long count = 1;
        for (long d : dims) {
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    public static long elementCount(long[] dims) {
        long count = 1;
        for (long d : dims) {
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    public static int elementBytes(int dataType) {
        return switch (DataType.forNumber(dataType)) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 1;
            case COMPLEX128 -> 16;
            case null, default -> throw new ModelException("unsupported tensor element type " + dataType);
        };
    }

    public static boolean isFloatingPoint(int dataType) {
        return dataType == DataType.FLOAT_VALUE || dataType == DataType.DOUBLE_VALUE
                || dataType == DataType.FLOAT16_VALUE || dataType == DataType.BFLOAT16_VALUE;
    }

    public static String name(int dataType) {
        DataType type = DataType.forNumber(dataType);
        return type == null ? "type " + dataType : type.name().toLowerCase();
    }

    /** The little-endian bytes of a tensor stored inside the protobuf, raw or in typed fields. */
    public static ByteBuffer bytesOf(TensorProto tensor) {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new ModelException("initializer " + tensor.getName() + " is external; read it through its model");
        }
        long count = checkedElementCount(tensor);
        if (tensor.hasRawData()) {
            long needed = count * elementBytes(tensor.getDataType());
            if (tensor.getRawData().size() != needed) {
                throw new ModelException("initializer " + tensor.getName() + " holds " + tensor.getRawData().size()
                        + " bytes but its shape " + tensor.getDimsList() + " needs " + needed);
            }
            return tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(count * elementBytes(tensor.getDataType())))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (DataType.forNumber(tensor.getDataType())) {
            case FLOAT -> tensor.getFloatDataList().forEach(out::putFloat);
            case DOUBLE -> tensor.getDoubleDataList().forEach(out::putDouble);
            case INT64 -> tensor.getInt64DataList().forEach(out::putLong);
            case INT32 -> tensor.getInt32DataList().forEach(out::putInt);
            case INT16, UINT16, FLOAT16, BFLOAT16 -> tensor.getInt32DataList().forEach(v -> out.putShort((short) (int) v));
            case INT8, UINT8, BOOL -> tensor.getInt32DataList().forEach(v -> out.put((byte) (int) v));
            case UINT64 -> tensor.getUint64DataList().forEach(out::putLong);
            case null, default -> throw new ModelException("cannot read initializer " + tensor.getName()
                    + " of " + name(tensor.getDataType()));
        }
        if (out.position() != out.capacity()) {
            throw new ModelException("initializer " + tensor.getName() + " holds " + out.position()
                    + " bytes but its shape needs " + out.capacity());
        }
        return out.flip();
    }

    /** The elements a stored tensor holds, or a {@link ModelException} for a shape no file can hold (negative, or over 2 GB). */
    private static long checkedElementCount(TensorProto tensor) {
        long count = 1;
        for (long d : tensor.getDimsList()) {
            if (d < 0 || count * (double) d * elementBytes(tensor.getDataType()) > Integer.MAX_VALUE) {
                throw new ModelException("initializer " + tensor.getName() + " has an impossible shape "
                        + tensor.getDimsList() + " for a tensor stored in the model");
            }
            count *= d;
        }
        return count;
    }

    /** A tensor with the given name, type, shape and little-endian raw bytes. */
    public static TensorProto tensor(String name, int dataType, long[] dims, ByteBuffer bytes) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(dataType);
        for (long d : dims) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(bytes.duplicate())).build();
    }

    public static long[] dims(TensorProto tensor) {
        return tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }
}
