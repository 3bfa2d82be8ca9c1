package dev.trainer.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's main graph, indexed once: which node produces a value, which nodes consume it, the
 * initializers by name, the inputs data must fill, the outputs, and the roles trainer gives
 * initializers (trainable by default, BatchNormalization statistics, normalization scales and
 * biases, lookup tables, scalar constants). Read-only: graph edits build a new protobuf (see
 * {@code dev.trainer.edit}) and a new {@link OnnxModel}, which indexes itself anew.
 */
public final class ModelGraph {

    private static final Set<String> NORMALIZATIONS = Set.of("BatchNormalization", "LayerNormalization",
            "InstanceNormalization", "GroupNormalization");

    private final GraphProto graph;
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();

    ModelGraph(GraphProto graph) {
        this.graph = graph;
        for (NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(o -> producers.put(o, node));
            node.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(node));
        }
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    }

    /** The nodes, in graph (topological) order. */
    public List<NodeProto> nodes() {
        return graph.getNodeList();
    }

    /** A node's name, or its first output's when it has none (exporters may leave names out), for messages. */
    public static String nameOf(NodeProto node) {
        return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
    }

    /** The node that produces a value, or {@code null} for a graph input, an initializer or an unknown name. */
    public NodeProto producer(String value) {
        return producers.get(value);
    }

    /** Every value's producing node, by value name; read-only. */
    public Map<String, NodeProto> producersByValue() {
        return Collections.unmodifiableMap(producers);
    }

    /** The nodes that read a value, in graph order. */
    public List<NodeProto> consumers(String value) {
        return Collections.unmodifiableList(consumers.getOrDefault(value, List.of()));
    }

    /** How many times a value is read: by nodes, and as a graph output. */
    public int uses(String value) {
        int uses = consumers(value).size();
        for (ValueInfoProto o : graph.getOutputList()) {
            uses += o.getName().equals(value) ? 1 : 0;
        }
        return uses;
    }

    /** The initializer of that name, or {@code null}. */
    public TensorProto initializer(String name) {
        return initializers.get(name);
    }

    /** Every initializer by name, in file order; read-only. */
    public Map<String, TensorProto> initializersByName() {
        return Collections.unmodifiableMap(initializers);
    }

    /** Every initializer, in file order. */
    public List<TensorProto> initializers() {
        return graph.getInitializerList();
    }

    public boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    /** The graph inputs data must fill: those without an initializer (a default value). */
    public List<ValueInfoProto> inputs() {
        return graph.getInputList().stream().filter(i -> !initializers.containsKey(i.getName())).toList();
    }

    /** Whether data fills an input of that name. */
    public boolean hasInput(String name) {
        return inputs().stream().anyMatch(i -> i.getName().equals(name));
    }

    /** The graph outputs, in order. */
    public List<ValueInfoProto> outputs() {
        return graph.getOutputList();
    }

    /** The graph outputs' names, in order. */
    public List<String> outputNames() {
        return graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
    }

    /** Whether a graph output has that name. */
    public boolean hasOutput(String name) {
        return graph.getOutputList().stream().anyMatch(o -> o.getName().equals(name));
    }

    /**
     * The initializers trainer trains by default, in file order: the floating-point tensors the
     * nodes read, except BatchNormalization's running statistics (inference form keeps them
     * frozen) and scalars, which exporters emit for constants like {@code x / 16}.
     */
    public List<String> trainableCandidates() {
        Set<String> statistics = batchNormStatistics();
        List<String> trainable = new ArrayList<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (TensorTypes.isFloatingPoint(t.getDataType()) && !isScalarConstant(t.getName())
                    && consumers.containsKey(t.getName()) && !statistics.contains(t.getName())) {
                trainable.add(t.getName());
            }
        }
        return trainable;
    }

    /** The running mean and variance BatchNormalization reads (inputs 3 and 4). */
    public Set<String> batchNormStatistics() {
        return inputsOf(Set.of("BatchNormalization"), 3, 5);
    }

    /** Scales and biases of normalization layers (inputs 1 and 2), which decay and penalties leave alone by default. */
    public Set<String> normalizationParameters() {
        return inputsOf(NORMALIZATIONS, 1, 3);
    }

    /** Values Gather reads as its data: embedding tables, whose gradients are sparse. */
    public Set<String> lookupTables() {
        return inputsOf(Set.of("Gather"), 0, 1);
    }

    /** Inputs {@code [from, to)} of every node of the given op types. */
    private Set<String> inputsOf(Set<String> opTypes, int from, int to) {
        Set<String> names = new HashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            if (opTypes.contains(node.getOpType())) {
                for (int i = from; i < Math.min(to, node.getInputCount()); i++) {
                    names.add(node.getInput(i));
                }
            }
        }
        return names;
    }

    /** Whether an initializer is a scalar (rank 0), a constant rather than a parameter. */
    public boolean isScalarConstant(String name) {
        TensorProto t = initializers.get(name);
        return t != null && t.getDimsCount() == 0;
    }

    /** The names in the order the nodes first read them, then any not read: the graph's order. */
    public List<String> graphOrder(List<String> names) {
        Set<String> wanted = new HashSet<>(names);
        Set<String> order = new LinkedHashSet<>();
        for (NodeProto node : graph.getNodeList()) {
            node.getInputList().stream().filter(wanted::contains).forEach(order::add);
        }
        order.addAll(names);
        return List.copyOf(order);
    }
}
