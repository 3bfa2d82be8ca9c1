package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.trainer.data.ElementType;
import dev.trainer.ModelException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between ONNX element types, ORT's Java types and tensors over off-heap memory. */
public final class Tensors {

    private Tensors() {
    }

    public static OnnxJavaType javaType(int onnxType) {
        return switch (DataType.forNumber(onnxType)) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case BOOL -> OnnxJavaType.BOOL;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case null, default -> throw new ModelException("unsupported tensor type " + onnxType);
        };
    }

    public static OnnxJavaType javaType(ElementType type) {
        return switch (type) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }

    /** ONNX's element type number for a batch element type (ORT's C API numbers them the same). */
    public static int onnxType(ElementType type) {
        return switch (type) {
            case FLOAT -> DataType.FLOAT_VALUE;
            case DOUBLE -> DataType.DOUBLE_VALUE;
            case INT64 -> DataType.INT64_VALUE;
            case INT32 -> DataType.INT32_VALUE;
            case BOOL -> DataType.BOOL_VALUE;
        };
    }

    public static ElementType elementType(int onnxType) {
        return switch (DataType.forNumber(onnxType)) {
            case FLOAT -> ElementType.FLOAT;
            case DOUBLE -> ElementType.DOUBLE;
            case INT64 -> ElementType.INT64;
            case INT32 -> ElementType.INT32;
            case BOOL -> ElementType.BOOL;
            case null, default -> throw new ModelException("model inputs of type "
                    + dev.trainer.onnx.TensorTypes.name(onnxType) + " are not supported");
        };
    }

    /** A tensor that reads and writes the given memory directly: no copy either way. */
    public static OnnxTensor over(MemorySegment memory, long[] shape, OnnxJavaType type) {
        try {
            ByteBuffer buffer = memory.asByteBuffer().order(ByteOrder.nativeOrder());
            return OnnxTensor.createTensor(OrtLogging.environment(), buffer, shape, type);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot wrap memory as a tensor: " + e.getMessage(), e);
        }
    }

    public static OnnxTensor over(ByteBuffer direct, long[] shape, OnnxJavaType type) {
        return over(MemorySegment.ofBuffer(direct), shape, type);
    }
}
