package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * An {@code OrtValue} holding a tensor: either a view of memory trainer owns (made by
 * {@link #tensorOver}, which copies nothing and must not outlive that memory) or one ONNX Runtime
 * allocated (an output bound to a device). Element types are ONNX's {@code TensorProto.DataType}
 * numbers, which ORT's {@code ONNXTensorElementDataType} shares. Closing releases this reference;
 * ORT frees its own memory when the last reference goes.
 */
public final class NativeValue extends OrtHandle {

    private static final class Calls {
        static final OrtApi API = OrtApi.get();
        static final MethodHandle CREATE_TENSOR = API.slot(OrtApi.CREATE_TENSOR_WITH_DATA_AS_ORT_VALUE,
                OrtApi.status(ADDRESS, ADDRESS, OrtApi.SIZE_T, ADDRESS, OrtApi.SIZE_T, JAVA_INT, ADDRESS));
        static final MethodHandle MUTABLE_DATA = API.slot(OrtApi.GET_TENSOR_MUTABLE_DATA, OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle TYPE_AND_SHAPE = API.slot(OrtApi.GET_TENSOR_TYPE_AND_SHAPE,
                OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle ELEMENT_TYPE = API.slot(OrtApi.GET_TENSOR_ELEMENT_TYPE, OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle DIMENSIONS_COUNT = API.slot(OrtApi.GET_DIMENSIONS_COUNT, OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle DIMENSIONS = API.slot(OrtApi.GET_DIMENSIONS,
                OrtApi.status(ADDRESS, ADDRESS, OrtApi.SIZE_T));
        static final MethodHandle RELEASE_TYPE_AND_SHAPE = API.slot(OrtApi.RELEASE_TENSOR_TYPE_AND_SHAPE_INFO,
                OrtApi.RELEASE);
        static final MethodHandle RELEASE = API.slot(OrtApi.RELEASE_VALUE, OrtApi.RELEASE);
    }

    NativeValue(MemorySegment handle) {
        super(handle, Calls.RELEASE);
    }

    /**
     * A tensor over {@code data} in the memory {@code info} describes (host or device), without a copy.
     *
     * @param elementType ONNX element type number (1 float, 6 int32, 7 int64, 9 bool, ...)
     */
    public static NativeValue tensorOver(NativeMemoryInfo info, MemorySegment data, long[] shape, int elementType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = arena.allocateFrom(JAVA_LONG, shape);
            MemorySegment out = arena.allocate(ADDRESS);
            Calls.API.check("CreateTensorWithDataAsOrtValue", (MemorySegment) Calls.CREATE_TENSOR.invokeExact(
                    info.handle(), data, data.byteSize(), dims, (long) shape.length, elementType, out));
            return new NativeValue(out.get(ADDRESS, 0));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The tensor's memory, {@code bytes} long: host-readable only when the tensor is on the host. */
    public MemorySegment data(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Calls.API.check("GetTensorMutableData", (MemorySegment) Calls.MUTABLE_DATA.invokeExact(handle(), out));
            return out.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The tensor's shape. */
    public long[] shape() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = typeAndShape(arena);
            try {
                MemorySegment count = arena.allocate(JAVA_LONG);
                Calls.API.check("GetDimensionsCount", (MemorySegment) Calls.DIMENSIONS_COUNT.invokeExact(info, count));
                long rank = count.get(JAVA_LONG, 0);
                MemorySegment dims = arena.allocate(JAVA_LONG, Math.max(1, rank));
                Calls.API.check("GetDimensions", (MemorySegment) Calls.DIMENSIONS.invokeExact(info, dims, rank));
                return dims.asSlice(0, rank * Long.BYTES).toArray(JAVA_LONG);
            } finally {
                OrtApi.release(Calls.RELEASE_TYPE_AND_SHAPE, info);
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The ONNX element type number. */
    public int elementType() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = typeAndShape(arena);
            try {
                MemorySegment type = arena.allocate(JAVA_INT);
                Calls.API.check("GetTensorElementType", (MemorySegment) Calls.ELEMENT_TYPE.invokeExact(info, type));
                return type.get(JAVA_INT, 0);
            } finally {
                OrtApi.release(Calls.RELEASE_TYPE_AND_SHAPE, info);
            }
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private MemorySegment typeAndShape(Arena arena) throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        Calls.API.check("GetTensorTypeAndShape", (MemorySegment) Calls.TYPE_AND_SHAPE.invokeExact(handle(), out));
        return out.get(ADDRESS, 0);
    }
}
