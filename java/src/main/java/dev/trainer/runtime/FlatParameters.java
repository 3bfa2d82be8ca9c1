package dev.trainer.runtime;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ort.NativeValue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flat parameter and gradient buffers where a {@link Placement} keeps them, sliced once into
 * one ORT value per parameter: the graphs read every parameter and write every gradient in place.
 * On the host these are the {@link ParameterBuffer}'s own buffers; on a device, one allocation
 * each in the same layout, loaded from the host buffer at start.
 */
final class FlatParameters implements AutoCloseable {

    private final ParameterBuffer host;
    private final Placement placement;
    private final List<PlacedMemory> owned = new ArrayList<>();
    private final MemorySegment values;
    private final MemorySegment gradients;
    private final Map<String, NativeValue> valueTensors = new LinkedHashMap<>();
    private final Map<String, NativeValue> gradientTensors = new LinkedHashMap<>();

    FlatParameters(ParameterBuffer host, Placement placement) {
        this.host = host;
        this.placement = placement;
        long bytes = Math.max(1, host.length()) * Float.BYTES;
        if (placement.isHost()) {
            values = host.values();
            gradients = host.gradients();
        } else {
            values = own(placement.allocate(bytes));
            gradients = own(placement.allocate(bytes));
            placement.upload(host.values(), values, bytes);
        }
        try {
            for (ParameterBuffer.Slot s : host.slots()) {
                valueTensors.put(s.name(), tensor(values, s));
                gradientTensors.put(s.name(), tensor(gradients, s));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private MemorySegment own(PlacedMemory memory) {
        owned.add(memory);
        return memory.segment();
    }

    private NativeValue tensor(MemorySegment buffer, ParameterBuffer.Slot s) {
        MemorySegment slice = buffer.asSlice(s.offset() * Float.BYTES, Math.max(1, s.count()) * Float.BYTES);
        return NativeValue.tensorOver(placement.memoryInfo(), slice, s.shape(), TensorProto.DataType.FLOAT_VALUE);
    }

    /** The flat values where the graphs read them (host or device memory). */
    MemorySegment values() {
        return values;
    }

    /** The flat gradients where the backward graph writes them (host or device memory). */
    MemorySegment gradients() {
        return gradients;
    }

    NativeValue value(String name) {
        return valueTensors.get(host.slot(name).name());
    }

    NativeValue gradient(String name) {
        return gradientTensors.get(host.slot(name).name());
    }

    /** Copies the values to the host buffer (nothing to do on the host). */
    void copyToHost() {
        if (!placement.isHost()) {
            placement.download(values, host.values(), host.length() * Float.BYTES);
        }
    }

    /** Copies the host buffer's values here, after the host changed them (nothing to do on the host). */
    void copyFromHost() {
        if (!placement.isHost()) {
            placement.upload(host.values(), values, host.length() * Float.BYTES);
        }
    }

    @Override
    public void close() {
        valueTensors.values().forEach(NativeValue::close);
        gradientTensors.values().forEach(NativeValue::close);
        owned.forEach(PlacedMemory::close);
    }
}
