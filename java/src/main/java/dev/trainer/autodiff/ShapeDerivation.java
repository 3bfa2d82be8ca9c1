package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ValueType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run-time shape of a forward value, computed in the backward graph from values the backward
 * reads anyway, so that the forward need not compute and stash it. Every symbolic dimension of the
 * forward graph gets a root: the dimension it provably equals, followed back through the ops that
 * keep a dimension (elementwise ops, MatMul, Transpose, reductions that keep their axes) to a graph
 * input or to the op that made it. A shape is derived when each of its symbolic dimensions has the
 * root of a dimension of an available value; static dimensions are constants.
 *
 * <p>Why: a forward {@code Shape} node is a leaf of the forward graph, and ORT runs leaves after
 * the rest of their graph (see {@link ReverseMode}), so the value it reads stayed alive to the end
 * of the forward pass: MiniLM at batch 32 × 128 kept 54 such values, about 250 MiB.
 */
final class ShapeDerivation {

    /** Ops whose output has the shape of their first input. */
    private static final Set<String> SAME_SHAPE = Set.of("Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Exp", "Log",
            "Sqrt", "Neg", "Reciprocal", "Abs", "Cast", "Identity", "Softmax", "LogSoftmax", "Gelu", "HardSigmoid",
            "HardSwish", "Clip", "LayerNormalization", "BatchNormalization", "Dropout");
    /** Elementwise ops whose output shape is the broadcast of their inputs. */
    private static final Set<String> BROADCASTING = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Where", "Max", "Min");
    /** Reductions whose kept axes are their input's (with keepdims, the default). */
    private static final Set<String> REDUCTIONS = Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd");

    /** Dimension {@code axis} of {@code value}. */
    private record Dim(String value, int axis) {
    }

    private final Map<String, ValueType> types;
    private final Map<Dim, Dim> roots = new HashMap<>();

    /** Roots every symbolic dimension of {@code forwardNodes} (topologically sorted). */
    ShapeDerivation(List<NodeProto> forwardNodes, Map<String, ValueType> types) {
        this.types = types;
        for (NodeProto n : forwardNodes) {
            if (n.getOutputCount() == 0 || !types.containsKey(n.getOutput(0))) {
                continue;
            }
            ValueType out = types.get(n.getOutput(0));
            for (int axis = 0; axis < out.rank(); axis++) {
                if (out.dims()[axis] < 0) {
                    Dim kept = kept(n, out.rank(), axis);
                    roots.put(new Dim(n.getOutput(0), axis), kept == null ? new Dim(n.getOutput(0), axis) : kept);
                }
            }
        }
    }

    /**
     * Backward nodes that compute {@code value}'s shape into {@code target}, from dimensions of
     * {@code available} values; null when a symbolic dimension is found in none of them.
     */
    List<NodeProto> derive(String value, String target, Collection<String> available) {
        ValueType type = types.get(value);
        if (type == null) {
            return null;
        }
        Map<Dim, Dim> holders = new HashMap<>();
        for (String v : available) {
            ValueType t = types.get(v);
            for (int axis = 0; t != null && axis < t.rank(); axis++) {
                if (t.dims()[axis] < 0) {
                    holders.putIfAbsent(root(v, axis), new Dim(v, axis));
                }
            }
        }
        List<Dim> dims = new ArrayList<>();
        for (int axis = 0; axis < type.rank(); axis++) {
            Dim d = type.dims()[axis] >= 0 ? null : holders.get(root(value, axis));
            if (type.dims()[axis] < 0 && d == null) {
                return null;
            }
            dims.add(d);
        }
        return emit(dims, type.dims(), target);
    }

    private Dim root(String value, int axis) {
        return roots.getOrDefault(new Dim(value, axis), new Dim(value, axis));
    }

    /** The root of dimension {@code axis} of node {@code n}'s output when the op keeps an input's; null when it makes a new one. */
    private Dim kept(NodeProto n, int rank, int axis) {
        String op = n.getOpType();
        if (SAME_SHAPE.contains(op)) {
            return root(n.getInput(0), axis);
        }
        if (op.equals("Transpose")) {
            long[] perm = Attributes.getInts(n, "perm");
            return perm == null ? null : root(n.getInput(0), (int) perm[axis]);
        }
        if (REDUCTIONS.contains(op) && Attributes.getInt(n, "keepdims", 1) == 1) {
            return root(n.getInput(0), axis);
        }
        List<Dim> candidates = new ArrayList<>();
        if (BROADCASTING.contains(op)) {
            for (String in : n.getInputList()) {
                ValueType t = types.get(in);
                int aligned = t == null ? -1 : axis - (rank - t.rank());
                if (t == null) {
                    return null;
                }
                if (aligned >= 0 && t.dims()[aligned] != 1) {
                    candidates.add(root(in, aligned));
                }
            }
        } else if (op.equals("MatMul")) {
            candidates.addAll(matMulOperands(n, rank, axis));
        }
        // several operands carry the axis: it is theirs only when they provably agree (else they may broadcast)
        return !candidates.isEmpty() && candidates.stream().distinct().count() == 1 ? candidates.getFirst() : null;
    }

    /** The operand dimensions that output axis {@code axis} of y = a @ b comes from. */
    private List<Dim> matMulOperands(NodeProto n, int rank, int axis) {
        ValueType a = types.get(n.getInput(0));
        ValueType b = types.get(n.getInput(1));
        if (a == null || b == null || a.rank() < 2 || b.rank() < 2) {
            return List.of();
        }
        if (axis == rank - 2) {
            return List.of(root(n.getInput(0), a.rank() - 2));
        }
        if (axis == rank - 1) {
            return List.of(root(n.getInput(1), b.rank() - 1));
        }
        List<Dim> operands = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ValueType t = i == 0 ? a : b;
            int aligned = axis - (rank - t.rank());
            if (aligned >= 0 && aligned < t.rank() - 2 && t.dims()[aligned] != 1) {
                operands.add(root(n.getInput(i), aligned));
            }
        }
        return operands;
    }

    /** Shape(value) slices where {@code dims} names a dimension, constants where it has null, joined into {@code target}. */
    private List<NodeProto> emit(List<Dim> dims, long[] constants, String target) {
        GraphBuilder b = new GraphBuilder("trainer::" + target + "/");
        List<Value> parts = new ArrayList<>();
        int i = 0;
        while (i < dims.size()) {
            Dim d = dims.get(i);
            int end = i + 1;
            if (d == null) {
                while (end < dims.size() && dims.get(end) == null) {
                    end++;
                }
                parts.add(b.ints(java.util.Arrays.copyOfRange(constants, i, end)));
            } else {
                while (end < dims.size() && dims.get(end) != null && d.value().equals(dims.get(end).value())
                        && dims.get(end).axis() == d.axis() + end - i) {
                    end++;
                }
                parts.add(new Value(b, d.value(), types.get(d.value()).elementType()).shape().slice(0, d.axis(), d.axis() + end - i));
            }
            i = end;
        }
        Value joined = parts.getFirst().concat(0, parts.subList(1, parts.size()).toArray(Value[]::new));
        List<NodeProto> nodes = new ArrayList<>(b.nodes());
        nodes.add(NodeProto.newBuilder().setOpType("Identity").setName(target).addInput(joined.name()).addOutput(target).build());
        return nodes;
    }
}
