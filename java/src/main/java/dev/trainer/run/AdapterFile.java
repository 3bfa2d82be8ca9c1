package dev.trainer.run;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.ModelException;
import dev.trainer.data.normalize.Normalization;
import dev.trainer.edit.LoraAdapter;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.train.step.TrainingModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's LoRA adapters on their own, {@code adapters.onnx} ({@code --export-adapters}): a few
 * megabytes that turn the base model into the fine-tuned one, merged in later with
 * {@code trainer merge}, so that one base model can serve several fine-tunes.
 *
 * <p>The file is an ONNX model. Its initializers are each adapter's factors A and B and the
 * values of every parameter the run trained in full (a new head, {@code --lora-also}). Its graph
 * computes each adapter's update {@code alpha/rank · ΔW} as an output named {@code delta/WEIGHT},
 * so plain ONNX Runtime can show what merging adds to WEIGHT. Everything else a merge needs is in
 * its metadata: {@value #METADATA}, one JSON object
 * <pre>{@code {"adapters": [{"weight", "a", "b", "transposed", "rank", "scale"}, ...],
 *  "trained": [names], "normalizations": [{"input", "method", "sample_shape", "offset", "scale"}],
 *  "image_normalization": {"input", "shape", "mean", "std"}}}</pre>
 * (see {@link LoraAdapter} for the layouts), and the run's provenance ({@code trainer.*}): the
 * base model's SHA-256, which a merge checks, and the run's configuration, whose head edit a
 * merge makes again.
 *
 * @param tensors        A and B of every adapter and the fully trained parameters, by name
 * @param trained        the parameters trained in full, whose values replace the base model's
 * @param normalizations {@code --normalize}'s input scaling, which the merged model starts with
 * @param image          {@code --image-normalize}'s, which it starts with then; {@code null} for none
 * @param provenance     the run's {@code trainer.*} metadata
 */
public record AdapterFile(List<LoraAdapter> adapters, Map<String, Tensor> tensors, List<String> trained,
                          List<Normalization> normalizations, ImageScaling image, Map<String, String> provenance) {

    /** The metadata key of what a merge needs. */
    public static final String METADATA = "trainer.lora";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long OPSET = 13;

    /** A float32 tensor: shape and values. */
    public record Tensor(long[] dims, float[] values) {
    }

    public AdapterFile {
        adapters = List.copyOf(adapters);
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        trained = List.copyOf(trained);
        normalizations = List.copyOf(normalizations);
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /** The run's adapters as trained (factors that did not train as initialised), and what else it trained. */
    static AdapterFile of(TrainingModel model, ParameterBuffer parameters, List<Normalization> normalizations,
                          ImageScaling image, Map<String, String> provenance) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ModelExport.factors(model.trained(), parameters, model.adapters()).forEach((name, values) -> tensors.put(name,
                new Tensor(TensorTypes.dims(model.trained().graph().initializer(name)), values)));
        List<String> trained = new ArrayList<>();
        for (ParameterBuffer.Slot slot : parameters.slots()) {
            if (model.exported().graph().isInitializer(slot.name())) {
                trained.add(slot.name());
                tensors.put(slot.name(), new Tensor(slot.shape(), parameters.get(slot.name())));
            }
        }
        return new AdapterFile(model.adapters(), tensors, trained, normalizations, image, provenance);
    }

    /** A and B of every adapter, by name. */
    public Map<String, float[]> factors() {
        Map<String, float[]> factors = new LinkedHashMap<>();
        adapters.forEach(a -> List.of(a.a(), a.b()).forEach(f -> factors.put(f, tensor(f).values())));
        return factors;
    }

    /** The values of the parameters trained in full, by name. */
    public Map<String, float[]> trainedValues() {
        Map<String, float[]> values = new LinkedHashMap<>();
        trained.forEach(name -> values.put(name, tensor(name).values()));
        return values;
    }

    private Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelException("the adapters file has no tensor " + name);
        }
        return t;
    }

    /** Writes the file atomically. */
    public void write(Path file) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("lora_adapters");
        tensors.forEach((name, t) -> graph.addInitializer(TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE,
                t.dims(), ModelExport.littleEndian(t.values()))));
        for (LoraAdapter adapter : adapters) {
            addDelta(graph, adapter);
        }
        ModelProto.Builder proto = ModelProto.newBuilder().setIrVersion(8).setProducerName("trainer")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(graph);
        provenance.forEach((k, v) -> proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        proto.addMetadataProps(StringStringEntryProto.newBuilder().setKey(METADATA).setValue(metadata().toString()));
        ModelWriter.write(OnnxModel.of(proto.build()), file);
    }

    /** delta/WEIGHT = (A·B or B·A) · scale, the weight's shape. */
    private void addDelta(GraphProto.Builder graph, LoraAdapter adapter) {
        String left = adapter.transposed() ? adapter.b() : adapter.a();
        String right = adapter.transposed() ? adapter.a() : adapter.b();
        String delta = "delta/" + adapter.weight();
        String scale = delta + "/scale";
        ByteBuffer scaleBytes = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, (float) adapter.scale());
        graph.addInitializer(TensorTypes.tensor(scale, TensorProto.DataType.FLOAT_VALUE, new long[0], scaleBytes));
        graph.addNode(NodeProto.newBuilder().setOpType("MatMul").setName(delta + "/MatMul").addInput(left).addInput(right)
                .addOutput(delta + "/product"));
        graph.addNode(NodeProto.newBuilder().setOpType("Mul").setName(delta + "/Mul").addInput(delta + "/product")
                .addInput(scale).addOutput(delta));
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(tensor(left).dims()[0]))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(tensor(right).dims()[1]));
        graph.addOutput(ValueInfoProto.newBuilder().setName(delta).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))));
    }

    private ObjectNode metadata() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("adapters");
        for (LoraAdapter a : adapters) {
            list.addObject().put("weight", a.weight()).put("a", a.a()).put("b", a.b()).put("transposed", a.transposed())
                    .put("rank", a.rank()).put("scale", a.scale());
        }
        trained.forEach(root.putArray("trained")::add);
        root.set("normalizations", JSON.valueToTree(normalizations));
        if (image != null) {
            root.set("image_normalization", JSON.valueToTree(image));
        }
        return root;
    }

    /**
     * Reads a file {@link #write} wrote.
     *
     * @throws ModelException for a missing file, one that is not an ONNX model, or one without trainer's adapter metadata
     */
    public static AdapterFile read(Path file) {
        OnnxModel model = OnnxModel.load(file);
        Map<String, String> props = new LinkedHashMap<>();
        model.proto().getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
        String metadata = props.remove(METADATA);
        if (metadata == null) {
            throw new ModelException(file + " is not a LoRA adapters file (no " + METADATA + " metadata); trainer"
                    + " fine-tune --lora R --export-adapters writes one");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorProto t : model.graph().initializers()) {
            tensors.put(t.getName(), new Tensor(TensorTypes.dims(t), ModelExport.floats(model, t)));
        }
        try {
            JsonNode root = JSON.readTree(metadata);
            List<LoraAdapter> adapters = new ArrayList<>();
            for (JsonNode a : root.path("adapters")) {
                adapters.add(new LoraAdapter(field(a, "weight").asText(), field(a, "a").asText(), field(a, "b").asText(),
                        field(a, "transposed").asBoolean(), field(a, "rank").asInt(), field(a, "scale").asDouble()));
            }
            List<String> trained = new ArrayList<>();
            root.path("trained").forEach(n -> trained.add(n.asText()));
            List<Normalization> normalizations = new ArrayList<>();
            for (JsonNode n : root.path("normalizations")) {
                normalizations.add(JSON.treeToValue(n, Normalization.class));
            }
            JsonNode image = root.get("image_normalization");
            return new AdapterFile(adapters, tensors, trained, normalizations,
                    image == null ? null : JSON.treeToValue(image, ImageScaling.class), props);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ModelException(file + ": unreadable " + METADATA + " metadata (" + e.getMessage() + ")");
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null) {
            throw new IllegalArgumentException("an adapter without \"" + name + "\"");
        }
        return value;
    }
}
