package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.config.ParameterPattern;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights LoRA can adapt, and those it adapts by default.
 *
 * <p>A weight can be adapted when it is a 2-D float32 initializer that every node reading it
 * multiplies by from the right: MatMul's second input ({@code x·W}, W {@code [in, out]}) or Gemm's
 * B, where {@code transB=1} means PyTorch's Linear layout (W {@code [out, in]}). That covers both
 * exporters' linear layers: TorchScript's MatMul with a pre-transposed weight under a generated
 * name ({@code onnx::MatMul_787}), and torch.export's Gemm with the state_dict's own weight.
 *
 * <p>By default, by the graph's structure rather than by names: the weights whose nodes lie inside
 * the model's normalized layers, reading a value computed from some normalization and feeding
 * another. In a transformer these are every layer's attention (query, key, value, output) and MLP
 * projections; the embeddings before the first normalization, and a pooler or classifier after
 * the last, are left alone. A normalization is a LayerNormalization (or RMS) node, or a
 * ReduceMean over the last axis, which is what exporters decompose LayerNorm and RMSNorm into.
 *
 * <p>With {@code --lora-target} patterns, every adaptable weight that a pattern matches by its
 * initializer name or by its module's name, read from the node's scope where the initializer
 * name is generated ({@code /encoder/layer.0/attention/self/query/MatMul} is the module
 * {@code encoder.layer.0.attention.self.query}, matched also as {@code ...query.weight}).
 */
final class LoraTargets {

    private static final Set<String> NORMALIZATIONS = Set.of("LayerNormalization", "SimplifiedLayerNormalization",
            "SkipLayerNormalization", "SkipSimplifiedLayerNormalization", "RMSNormalization");

    /**
     * One weight to adapt.
     *
     * @param weight     the initializer
     * @param module     the name its adapters are named after ({@code module.lora_A})
     * @param nodes      the indices of the nodes that multiply by it
     * @param transposed whether it is stored {@code [out, in]} (Gemm with transB=1)
     * @param in         the input features
     * @param out        the output features
     */
    record Target(String weight, String module, List<Integer> nodes, boolean transposed, long in, long out) {
    }

    private LoraTargets() {
    }

    /**
     * The weights to adapt, in graph order.
     *
     * @param patterns {@code --lora-target}; empty for the default
     * @throws ModelException when nothing is found, or a pattern matches no adaptable weight
     */
    static List<Target> find(OnnxModel model, List<ParameterPattern> patterns) {
        List<Target> adaptable = adaptable(model.graph());
        if (adaptable.isEmpty()) {
            throw new ModelException("--lora: the model has no weight to adapt (a 2-D float32 initializer that MatMul"
                    + " or Gemm multiplies by)");
        }
        if (patterns.isEmpty()) {
            Set<Integer> inside = insideNormalizedLayers(model.graph());
            List<Target> targets = adaptable.stream().filter(t -> inside.containsAll(t.nodes())).toList();
            if (targets.isEmpty()) {
                throw new ModelException("--lora found no MatMul or Gemm weight between normalization layers (the"
                        + " default targets of a transformer); name the weights to adapt with --lora-target, e.g. "
                        + examples(adaptable));
            }
            return targets;
        }
        for (ParameterPattern pattern : patterns) {
            if (adaptable.stream().noneMatch(t -> matches(pattern, t))) {
                throw new ModelException("--lora-target '" + pattern.text() + "' matches no weight LoRA can adapt; they"
                        + " are " + examples(adaptable));
            }
        }
        return adaptable.stream().filter(t -> patterns.stream().anyMatch(p -> matches(p, t))).toList();
    }

    private static boolean matches(ParameterPattern pattern, Target target) {
        return pattern.matches(target.weight()) || pattern.matches(target.module())
                || pattern.matches(target.module() + ".weight");
    }

    private static String examples(List<Target> targets) {
        List<String> names = targets.stream()
                .map(t -> t.weight().equals(t.module()) ? t.weight() : t.module() + " (" + t.weight() + ")").toList();
        return names.size() <= 3 ? String.join(", ", names)
                : names.getFirst() + ", " + names.get(names.size() / 2) + ", ..., " + names.getLast();
    }

    /** Every weight LoRA can adapt, in the order the nodes first read them. */
    private static List<Target> adaptable(ModelGraph graph) {
        Map<String, List<Integer>> readers = new LinkedHashMap<>();
        List<NodeProto> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String input : nodes.get(i).getInputList()) {
                if (graph.isInitializer(input)) {
                    readers.computeIfAbsent(input, k -> new ArrayList<>()).add(i);
                }
            }
        }
        List<Target> targets = new ArrayList<>();
        readers.forEach((weight, indices) -> {
            Target t = target(graph, weight, indices.stream().distinct().toList());
            if (t != null) {
                targets.add(t);
            }
        });
        return targets;
    }

    /** The weight as a target, or {@code null} when some reader does not multiply by it from the right. */
    private static Target target(ModelGraph graph, String weight, List<Integer> readers) {
        TensorProto tensor = graph.initializer(weight);
        if (tensor.getDataType() != TensorProto.DataType.FLOAT_VALUE || tensor.getDimsCount() != 2) {
            return null;
        }
        Set<Boolean> layouts = new HashSet<>();
        for (int i : readers) {
            NodeProto node = graph.nodes().get(i);
            boolean asRight = node.getInputCount() > 1 && node.getInput(1).equals(weight) && !node.getInput(0).equals(weight)
                    && node.getInputList().stream().filter(weight::equals).count() == 1;
            if (!asRight || !(node.getOpType().equals("MatMul") || node.getOpType().equals("Gemm"))
                    || !node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
                return null;
            }
            layouts.add(node.getOpType().equals("Gemm") && Attributes.getInt(node, "transB", 0) == 1);
        }
        if (layouts.size() != 1) {
            return null;
        }
        boolean transposed = layouts.iterator().next();
        long rows = tensor.getDims(0);
        long cols = tensor.getDims(1);
        return new Target(weight, moduleName(weight, graph.nodes().get(readers.getFirst())), readers, transposed,
                transposed ? cols : rows, transposed ? rows : cols);
    }

    /**
     * {@code fc1} for {@code fc1.weight}; for a generated name, the module of the node's scope
     * ({@code /encoder/layer.0/attention/self/query/MatMul}: {@code encoder.layer.0.attention.self.query});
     * else the weight's own name.
     */
    static String moduleName(String weight, NodeProto reader) {
        if (weight.endsWith(".weight")) {
            return weight.substring(0, weight.length() - ".weight".length());
        }
        String[] scope = reader.getName().split("/");
        if (reader.getName().startsWith("/") && scope.length > 2) {
            return String.join(".", List.of(scope).subList(1, scope.length - 1));
        }
        return weight;
    }

    /**
     * The nodes inside normalized layers: reading a value computed from a normalization's output,
     * and writing one that a normalization's input is computed from.
     */
    private static Set<Integer> insideNormalizedLayers(ModelGraph graph) {
        List<NodeProto> nodes = graph.nodes();
        Set<String> afterNorm = new HashSet<>();
        for (NodeProto node : nodes) {
            if (isNormalization(graph, node) || node.getInputList().stream().anyMatch(afterNorm::contains)) {
                afterNorm.addAll(node.getOutputList());
            }
        }
        Set<String> beforeNorm = new HashSet<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto node = nodes.get(i);
            if (isNormalization(graph, node) || node.getOutputList().stream().anyMatch(beforeNorm::contains)) {
                beforeNorm.addAll(node.getInputList());
            }
        }
        Set<Integer> inside = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto node = nodes.get(i);
            if (node.getInputCount() > 0 && afterNorm.contains(node.getInput(0)) && beforeNorm.contains(node.getOutput(0))) {
                inside.add(i);
            }
        }
        return inside;
    }

    private static boolean isNormalization(ModelGraph graph, NodeProto node) {
        if (NORMALIZATIONS.contains(node.getOpType())) {
            return true;
        }
        if (!node.getOpType().equals("ReduceMean")) {
            return false;
        }
        long[] axes = Attributes.getInts(node, "axes");
        if ((axes == null || axes.length == 0) && node.getInputCount() > 1) {
            axes = constantInts(graph, node.getInput(1));
        }
        return axes != null && axes.length == 1 && axes[0] == -1;
    }

    /** An int64 initializer's or Constant's values, or {@code null}. */
    private static long[] constantInts(ModelGraph graph, String name) {
        TensorProto tensor = graph.initializer(name);
        NodeProto producer = graph.producer(name);
        if (tensor == null && producer != null && producer.getOpType().equals("Constant")) {
            AttributeProto value = Attributes.find(producer, "value");
            tensor = value == null ? null : value.getT();
        }
        if (tensor == null || tensor.getDataType() != TensorProto.DataType.INT64_VALUE
                || tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return null;
        }
        ByteBuffer bytes = TensorTypes.bytesOf(tensor);
        long[] values = new long[bytes.remaining() / Long.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = bytes.getLong(i * Long.BYTES);
        }
        return values;
    }
}
