package dev.trainer.edit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.GraphProtoOrBuilder;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one helper of every graph edit: adds nodes to a graph under one name prefix that nothing in
 * the graph uses yet, so every value, node and initializer it makes is new, and writes each op in
 * the form the model's opset wants: axes became inputs instead of attributes for Unsqueeze,
 * Squeeze and ReduceSum at opset 13 and for ReduceMean at 18. Constants are initializers, which
 * reverse mode reads as constants. Its static helpers find names no part of a graph uses yet.
 */
final class GraphEditor {

    private final GraphProto.Builder graph;
    private final long opset;
    private final String prefix;
    private int nodes;

    GraphEditor(GraphProto.Builder graph, long opset, String prefixBase) {
        this.graph = graph;
        this.opset = opset;
        Set<String> taken = namesIn(graph);
        String candidate = prefixBase;
        for (int i = 1; clashes(candidate, taken); i++) {
            candidate = prefixBase + "_" + i;
        }
        this.prefix = candidate;
    }

    /** {@code base}, or {@code base_1}, {@code base_2}, ... : the first the graph does not use. */
    static String unusedName(GraphProtoOrBuilder graph, String base) {
        return fresh(base, namesIn(graph));
    }

    /** {@code base}, or {@code base_1}, {@code base_2}, ... : the first not {@code taken}, which it then takes. */
    static String fresh(String base, Set<String> taken) {
        String name = base;
        for (int i = 1; taken.contains(name); i++) {
            name = base + "_" + i;
        }
        taken.add(name);
        return name;
    }

    /**
     * Every name the graph and its subgraphs (If, Loop, Scan bodies) use: values, initializers,
     * inputs, outputs, nodes, so that a new name can collide with none.
     */
    static Set<String> namesIn(GraphProtoOrBuilder graph) {
        Set<String> names = new HashSet<>();
        collect(graph, names);
        return names;
    }

    private static void collect(GraphProtoOrBuilder graph, Set<String> names) {
        graph.getInputList().forEach(v -> names.add(v.getName()));
        graph.getOutputList().forEach(v -> names.add(v.getName()));
        graph.getValueInfoList().forEach(v -> names.add(v.getName()));
        graph.getInitializerList().forEach(t -> names.add(t.getName()));
        for (NodeProto node : graph.getNodeList()) {
            names.add(node.getName());
            names.addAll(node.getInputList());
            names.addAll(node.getOutputList());
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.hasG()) {
                    collect(attribute.getG(), names);
                }
                attribute.getGraphsList().forEach(g -> collect(g, names));
            }
        }
    }

    private static boolean clashes(String prefix, Set<String> taken) {
        return taken.stream().anyMatch(n -> n.equals(prefix) || n.startsWith(prefix + ".") || n.startsWith(prefix + "/"));
    }

    /** The prefix chosen, e.g. {@code head}, or {@code head_1} when the graph already uses {@code head}. */
    String prefix() {
        return prefix;
    }

    /** The full name of a parameter {@code local}, e.g. {@code head.weight} (PyTorch's style for parameters). */
    String parameterName(String local) {
        return prefix + "." + local;
    }

    /** Adds an initializer and returns its name. */
    String initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    /** Adds one node whose single output is the new value {@code prefix/local}, and returns that output. */
    String op(String opType, String local, List<String> inputs, AttributeProto... attributes) {
        return opInto(opType, prefix + "/" + local, inputs, attributes);
    }

    /** Adds one node writing to a given output name, for a value that leaves the graph; returns the name. */
    String opInto(String opType, String output, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType)
                .setName(prefix + "/" + opType + "_" + nodes++).addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return output;
    }

    /** {@code x} with a new axis of size 1 at {@code axis}. */
    String unsqueeze(String x, long axis, String local) {
        return opset < 13
                ? op("Unsqueeze", local, List.of(x), Attributes.ofInts("axes", axis))
                : op("Unsqueeze", local, List.of(x, ints(local + "_axes", axis)));
    }

    /** ReduceSum or ReduceMean of {@code x} over one axis. */
    String reduce(String opType, String x, long axis, boolean keepDims, String local) {
        long axesInputSince = opType.equals("ReduceMean") ? 18 : 13;
        AttributeProto keep = Attributes.ofInt("keepdims", keepDims ? 1 : 0);
        return opset < axesInputSince
                ? op(opType, local, List.of(x), Attributes.ofInts("axes", axis), keep)
                : op(opType, local, List.of(x, ints(local + "_axes", axis)), keep);
    }

    /** A scalar float32 constant. */
    String scalar(String local, float value) {
        ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
        return initializer(TensorTypes.tensor(prefix + "/" + local, TensorProto.DataType.FLOAT_VALUE, new long[0], bytes));
    }

    /**
     * Position 0 of {@code x} along {@code axis}, that axis dropped: Slice then Squeeze. (Slice takes
     * its bounds as inputs at every opset trainer meets, 10 on.)
     */
    String first(String x, long axis, String local) {
        String slice = op("Slice", local + "_slice", List.of(x, ints(local + "_starts", 0), ints(local + "_ends", 1),
                ints(local + "_slice_axes", axis)));
        return opset < 13
                ? op("Squeeze", local, List.of(slice), Attributes.ofInts("axes", axis))
                : op("Squeeze", local, List.of(slice, ints(local + "_axes", axis)));
    }

    /** A one-element int64 constant. */
    private String ints(String local, long value) {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        return initializer(TensorTypes.tensor(prefix + "/" + local, TensorProto.DataType.INT64_VALUE,
                new long[] {1}, bytes));
    }
}
