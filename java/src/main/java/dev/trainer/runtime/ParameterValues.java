package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ort.NativeMemoryInfo;
import dev.trainer.ort.NativeValue;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The placed flat buffers sliced once into one ORT value per parameter, for the C-API session to
 * bind: the graphs read every parameter and write every gradient in place, wherever the buffers live.
 */
final class ParameterValues implements AutoCloseable {

    private final Map<String, NativeValue> values = new LinkedHashMap<>();
    private final Map<String, NativeValue> gradients = new LinkedHashMap<>();

    ParameterValues(PlacedParameters placed, NativeMemoryInfo memory) {
        try {
            for (ParameterBuffer.Slot s : placed.slots()) {
                values.put(s.name(), tensor(memory, placed.values(), s));
                gradients.put(s.name(), tensor(memory, placed.gradients(), s));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static NativeValue tensor(NativeMemoryInfo memory, MemorySegment buffer, ParameterBuffer.Slot s) {
        MemorySegment slice = buffer.asSlice(s.offset() * Float.BYTES, Math.max(1, s.count()) * Float.BYTES);
        return NativeValue.tensorOver(memory, slice, s.shape(), TensorProto.DataType.FLOAT_VALUE);
    }

    NativeValue value(String name) {
        return require(values, name);
    }

    NativeValue gradient(String name) {
        return require(gradients, name);
    }

    private static NativeValue require(Map<String, NativeValue> map, String name) {
        NativeValue v = map.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no trainable parameter " + name);
        }
        return v;
    }

    @Override
    public void close() {
        values.values().forEach(NativeValue::close);
        gradients.values().forEach(NativeValue::close);
    }
}
