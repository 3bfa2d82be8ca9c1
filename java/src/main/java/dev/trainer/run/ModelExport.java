package dev.trainer.run;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.trainer.ModelException;
import dev.trainer.data.normalize.Normalization;
import dev.trainer.edit.InputNormalization;
import dev.trainer.edit.LoraAdapter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ParameterBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fine-tuned inference model: the original graph, untouched, with the trained values as its
 * initializers and the run's provenance in its metadata. Same inputs and outputs, so any ONNX
 * Runtime deployment that served the original serves this one. LoRA adapters are merged into the
 * weights they sit beside ({@code W + alpha/rank · ΔW}), so an adapted model exports as exactly
 * the original graph, names and shapes too.
 */
public final class ModelExport {

    private ModelExport() {
    }

    /** The original model with the buffer's trained values. */
    public static OnnxModel trained(OnnxModel original, ParameterBuffer parameters, Map<String, String> metadata) {
        return trained(original, original, parameters, List.of(), metadata);
    }

    /**
     * The original model with the buffer's trained values and the adapters merged into their
     * weights.
     *
     * @param adapted the model with the adapters, whose initial factors stand in for those the buffer
     *                does not hold (frozen, or not yet unfrozen)
     */
    public static OnnxModel trained(OnnxModel original, OnnxModel adapted, ParameterBuffer parameters,
                                    List<LoraAdapter> adapters, Map<String, String> metadata) {
        Map<String, float[]> values = new HashMap<>();
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            if (original.graph().isInitializer(slot.name())) {
                values.put(slot.name(), parameters.get(slot.name()));
            }
        }
        return withValues(original, values, adapters, factors(adapted, parameters, adapters), metadata);
    }

    /** Every adapter's A and B by name: as trained, or as initialised when they did not train. */
    static Map<String, float[]> factors(OnnxModel adapted, ParameterBuffer parameters, List<LoraAdapter> adapters) {
        Map<String, float[]> factors = new LinkedHashMap<>();
        for (LoraAdapter adapter : adapters) {
            for (String factor : List.of(adapter.a(), adapter.b())) {
                factors.put(factor, parameters.contains(factor) ? parameters.get(factor)
                        : floats(adapted, adapted.graph().initializer(factor)));
            }
        }
        return factors;
    }

    /**
     * The original graph with new values: the named initializers replaced, then each adapter merged
     * into its weight (into the weight's new value when it has one), and the metadata added to the
     * model's own.
     *
     * @param factors every adapter's A and B, by name
     * @throws ModelException for a value of the wrong size, or an adapter whose weight or factors are missing
     */
    public static OnnxModel withValues(OnnxModel original, Map<String, float[]> values, List<LoraAdapter> adapters,
                                       Map<String, float[]> factors, Map<String, String> metadata) {
        Map<String, float[]> updated = new HashMap<>(values);
        for (LoraAdapter adapter : adapters) {
            TensorProto weight = original.graph().initializer(adapter.weight());
            if (weight == null) {
                throw new ModelException("the model has no weight " + adapter.weight() + " to merge its LoRA adapter into");
            }
            float[] current = updated.containsKey(adapter.weight()) ? updated.get(adapter.weight()) : floats(original, weight);
            updated.put(adapter.weight(), adapter.merge(current, TensorTypes.dims(weight), factor(factors, adapter.a()),
                    factor(factors, adapter.b())));
        }
        GraphProto.Builder graph = original.proto().getGraph().toBuilder();
        Map<String, ByteBuffer> external = new HashMap<>(original.externalData());
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            float[] value = updated.get(t.getName());
            if (value == null) {
                continue;
            }
            if (value.length != TensorTypes.elementCount(t.getDimsList())) {
                throw new ModelException("a value of " + value.length + " elements for " + t.getName() + " of shape "
                        + t.getDimsList());
            }
            ByteBuffer bytes = littleEndian(value);
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                external.put(t.getName(), bytes);
            } else {
                graph.setInitializer(i, t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(bytes)).build());
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        original.proto().getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        props.putAll(metadata);
        ModelProto.Builder proto = original.proto().toBuilder().setGraph(graph).clearMetadataProps();
        props.forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return OnnxModel.of(proto.build(), external);
    }

    /** The model with each input scaling ({@code --normalize}) as its first nodes. */
    public static OnnxModel withInputNormalization(OnnxModel model, List<Normalization> normalizations) {
        OnnxModel scaled = model;
        for (Normalization n : normalizations) {
            scaled = scaled.withProto(InputNormalization.prepend(scaled.proto(), n.input(), n.sampleShape(), n.offset(),
                    n.scale()));
        }
        return scaled;
    }

    /** A float32 initializer's values. */
    static float[] floats(OnnxModel model, TensorProto tensor) {
        if (tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelException(tensor.getName() + " is " + TensorTypes.name(tensor.getDataType()) + ", not float32");
        }
        float[] values = new float[Math.toIntExact(TensorTypes.elementCount(tensor.getDimsList()))];
        model.initializerBytes(tensor).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    static ByteBuffer littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    private static float[] factor(Map<String, float[]> factors, String name) {
        float[] values = factors.get(name);
        if (values == null) {
            throw new ModelException("no values for the LoRA factor " + name);
        }
        return values;
    }
}
