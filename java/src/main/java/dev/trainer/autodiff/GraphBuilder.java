package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the nodes of a backward graph and names their outputs itself, so that gradient rules
 * read as expressions over {@link Value}s. Also collects the few nodes a rule needs in the forward
 * graph (a {@code Shape} to stash instead of a whole tensor, a {@code MaxPool} that also emits its
 * indices, a faster form of a forward node).
 */
public final class GraphBuilder {

    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, NodeProto> forwardShapes = new LinkedHashMap<>();
    private final Map<String, List<NodeProto>> forwardReplacements = new LinkedHashMap<>();
    private final Map<String, ValueType> forwardTypes = new LinkedHashMap<>();
    private final String prefix;
    private int counter;

    GraphBuilder(String prefix) {
        this.prefix = prefix;
    }

    /** A fresh, unique value name. */
    String freshName(String hint) {
        return prefix + hint + "_" + counter++;
    }

    /** Adds one node with a single output; the output takes {@code elementType}. */
    Value op(String opType, int elementType, List<Value> inputs, AttributeProto... attributes) {
        String out = freshName(opType);
        add(opType, inputs, List.of(out), attributes);
        return new Value(this, out, elementType);
    }

    /** Adds one node whose single output has the element type of its first input. */
    Value op(String opType, List<Value> inputs, AttributeProto... attributes) {
        return op(opType, inputs.getFirst().elementType(), inputs, attributes);
    }

    /** Adds one node with several outputs of the first input's element type. */
    List<Value> ops(String opType, int outputs, List<Value> inputs, AttributeProto... attributes) {
        List<String> names = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            String name = freshName(opType);
            names.add(name);
            values.add(new Value(this, name, inputs.getFirst().elementType()));
        }
        add(opType, inputs, names, attributes);
        return values;
    }

    private void add(String opType, List<Value> inputs, List<String> outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(outputs.getFirst());
        inputs.forEach(v -> n.addInput(v == null ? "" : v.name()));
        n.addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        nodes.add(n.build());
    }

    /** A scalar constant of the given element type. */
    Value scalar(double value, int elementType) {
        return constant(TensorTypes.tensor("", elementType, new long[0], encode(value, elementType)), elementType);
    }

    /** A 1-D int64 constant, for shapes, axes and split sizes. */
    Value ints(long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        return constant(TensorTypes.tensor("", TensorProto.DataType.INT64_VALUE, new long[] {values.length}, bytes.flip()),
                TensorProto.DataType.INT64_VALUE);
    }

    /** A constant tensor of ones with the given element type and static shape. */
    Value ones(int elementType, long[] dims) {
        long count = TensorTypes.elementCount(dims);
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(count * TensorTypes.elementBytes(elementType)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            bytes.put(encode(1.0, elementType));
        }
        return constant(TensorTypes.tensor("", elementType, dims, bytes.flip()), elementType);
    }

    /** A constant tensor of the given element type, static shape and values (row-major). */
    Value constant(int elementType, long[] dims, double[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * TensorTypes.elementBytes(elementType)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            bytes.put(encode(v, elementType));
        }
        return constant(TensorTypes.tensor("", elementType, dims, bytes.flip()), elementType);
    }

    private Value constant(TensorProto value, int elementType) {
        return op("Constant", elementType, List.of(), Attributes.ofTensor("value", value));
    }

    static ByteBuffer encode(double value, int elementType) {
        ByteBuffer b = ByteBuffer.allocate(TensorTypes.elementBytes(elementType)).order(ByteOrder.LITTLE_ENDIAN);
        switch (TensorProto.DataType.forNumber(elementType)) {
            case FLOAT -> b.putFloat((float) value);
            case DOUBLE -> b.putDouble(value);
            case INT64 -> b.putLong((long) value);
            case INT32 -> b.putInt((int) value);
            case FLOAT16 -> b.putShort(Float.floatToFloat16((float) value));
            case null, default -> throw new IllegalArgumentException("no constants of " + TensorTypes.name(elementType));
        }
        return b.flip();
    }

    /** The shape of a forward value, computed in the forward graph so that only the shape is stashed. */
    Value forwardShape(Value forwardValue) {
        String name = forwardValue.name() + "::shape";
        forwardShapes.computeIfAbsent(name, n -> NodeProto.newBuilder().setOpType("Shape").setName(n)
                .addInput(forwardValue.name()).addOutput(n).build());
        return new Value(this, name, TensorProto.DataType.INT64_VALUE);
    }

    /** Replaces a forward node, e.g. to make it emit an extra output for its backward. */
    void replaceForwardNode(NodeProto original, NodeProto replacement) {
        forwardReplacements.put(original.getOutput(0), List.of(replacement));
    }

    /** A builder for nodes that will replace {@code original} in the forward graph ({@link #rewriteForwardNode}). */
    GraphBuilder forwardBuilder(NodeProto original) {
        return new GraphBuilder("trainer::" + original.getOutput(0) + "/");
    }

    /**
     * Replaces a single-output forward node by the nodes of {@code replacement} (from
     * {@link #forwardBuilder}), {@code result} taking the node's output name: a rule's faster
     * form of the forward computation, which may also give its backward other values to read.
     */
    void rewriteForwardNode(NodeProto original, GraphBuilder replacement, Value result) {
        List<NodeProto> nodes = new ArrayList<>(replacement.nodes());
        nodes.add(NodeProto.newBuilder().setOpType("Identity").setName(original.getOutput(0))
                .addInput(result.name()).addOutput(original.getOutput(0)).build());
        forwardReplacements.put(original.getOutput(0), nodes);
    }

    /** A value made in a forward rewrite, for this (backward) graph to read from the stash. */
    Value fromForward(Value forwardValue, ValueType type) {
        forwardTypes.put(forwardValue.name(), type);
        return new Value(this, forwardValue.name(), forwardValue.elementType());
    }

    List<NodeProto> nodes() {
        return nodes;
    }

    Map<String, NodeProto> forwardShapes() {
        return forwardShapes;
    }

    /** Replacement forward nodes, by the name of the original node's first output. */
    Map<String, List<NodeProto>> forwardReplacements() {
        return forwardReplacements;
    }

    /** Types of the values of forward rewrites that the backward graph reads. */
    Map<String, ValueType> forwardTypes() {
        return forwardTypes;
    }
}
