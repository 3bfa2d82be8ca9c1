package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a gradient rule sees of one forward node: its inputs {@code x(i)}, outputs {@code y(i)},
 * attributes, the gradients of its outputs {@code dy(i)}, and where to put input gradients.
 */
public final class NodeGradient {

    private final NodeProto node;
    private final GraphBuilder b;
    private final Map<String, ValueType> types;
    private final long opset;
    private final long backwardOpset;
    private final Function<String, long[]> constants;
    private final Function<String, double[]> numbers;
    private final boolean[] needed;
    private final Value[] outputGradients;
    private final Value[] inputGradients;
    /** Axes kept by the flat view ({@link #withoutTrailingOnes}); -1 without the view. */
    private final int keptRank;
    private final Map<String, Value> flatViews = new HashMap<>();

    NodeGradient(NodeProto node, GraphBuilder b, Map<String, ValueType> types, long opset, long backwardOpset,
                 boolean[] needed, Value[] outputGradients, Function<String, long[]> constants,
                 Function<String, double[]> numbers) {
        this.node = node;
        this.b = b;
        this.types = types;
        this.opset = opset;
        this.backwardOpset = backwardOpset;
        this.constants = constants;
        this.numbers = numbers;
        this.needed = needed;
        this.outputGradients = outputGradients;
        this.inputGradients = new Value[node.getInputCount()];
        this.keptRank = -1;
    }

    private NodeGradient(NodeGradient full, int keptRank) {
        this.node = full.node;
        this.b = full.b;
        this.types = full.types;
        this.opset = full.opset;
        this.backwardOpset = full.backwardOpset;
        this.constants = full.constants;
        this.numbers = full.numbers;
        this.needed = full.needed;
        this.outputGradients = full.outputGradients;
        this.inputGradients = full.inputGradients;
        this.keptRank = keptRank;
    }

    /**
     * The same node seen through a view without its output's trailing axes of size 1 ({@code [N, C, 1, 1]}
     * read as {@code [N, C]}): inputs, outputs and output gradients of the output's rank come
     * reshaped to the first {@code keptRank} axes, and input gradients go back to the full shape.
     * For pointwise rules only.
     */
    NodeGradient withoutTrailingOnes(int keptRank) {
        return new NodeGradient(this, keptRank);
    }

    public NodeProto node() {
        return node;
    }

    public GraphBuilder builder() {
        return b;
    }

    /** The default-domain opset of the forward model, for ops whose meaning changed across opsets. */
    public long opset() {
        return opset;
    }

    /**
     * The opset the backward graph is written in (18, or the model's when later). The vocabulary
     * emits forms valid from 18 on (axes as inputs, Scatter* reductions, Col2Im); a rule that emits
     * an op whose signature changed after 18 picks the form by this.
     */
    public long backwardOpset() {
        return backwardOpset;
    }

    public int inputCount() {
        return node.getInputCount();
    }

    /** Whether input {@code i} exists (optional inputs may be absent or empty). */
    public boolean hasInput(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    /** Whether output {@code i} exists (optional outputs may be absent or empty). */
    public boolean hasOutput(int i) {
        return i < node.getOutputCount() && !node.getOutput(i).isEmpty();
    }

    /**
     * The values of integer input {@code i} (axes, split sizes), which must be an initializer or a
     * {@code Constant}: rules that need them to decide the graph's structure fail clearly otherwise.
     */
    public long[] constantInts(int i) {
        long[] v = constants.apply(node.getInput(i));
        if (v == null) {
            throw new ModelException(describe() + " needs its input " + i + " (" + node.getInput(i)
                    + ") to be a constant to be differentiated");
        }
        return v;
    }

    /**
     * The values of integer input {@code i} when they are constant or constant folding can compute
     * them (pads, axes, starts built from static shapes); {@code null} when only the run knows them.
     */
    public long[] knownInts(int i) {
        return hasInput(i) ? constants.apply(node.getInput(i)) : null;
    }

    /**
     * The value of input {@code i} when it is a single constant number (an exponent, a scale), so
     * that a rule can pick a cheaper form; {@code null} otherwise.
     */
    public Double constantScalar(int i) {
        double[] v = numbers.apply(node.getInput(i));
        return v != null && v.length == 1 && !Double.isNaN(v[0]) ? v[0] : null;
    }

    public Value x(int i) {
        return flat(forward(node.getInput(i)), xType(i).rank());
    }

    public Value y(int i) {
        return flat(forward(node.getOutput(i)), yType(i).rank());
    }

    private Value flat(Value v, int rank) {
        if (keptRank < 0 || rank != yType(0).rank()) {
            return v;
        }
        // Reshape's 0 keeps the input's size at that axis: the same target serves any batch size
        return flatViews.computeIfAbsent(v.name(), k -> v.reshape(new long[keptRank]));
    }

    private Value forward(String name) {
        return new Value(b, name, type(name).elementType());
    }

    /** The gradient of output {@code i}, or {@code null} when nothing downstream depends on it. */
    public Value dy(int i) {
        Value dy = i < outputGradients.length ? outputGradients[i] : null;
        return dy == null ? null : flat(dy, yType(i).rank());
    }

    public Value dy() {
        return dy(0);
    }

    public ValueType xType(int i) {
        return type(node.getInput(i));
    }

    public ValueType yType(int i) {
        return type(node.getOutput(i));
    }

    private ValueType type(String name) {
        ValueType t = types.get(name);
        if (t == null) {
            throw new ModelException("no shape is known for " + name + " (input of " + describe() + ")");
        }
        return t;
    }

    /** Static dimensions of input {@code i}, failing clearly where the rule needs them and they are symbolic. */
    public long[] staticDims(int i, int fromAxis) {
        long[] dims = xType(i).dims();
        for (int a = fromAxis; a < dims.length; a++) {
            if (dims[a] < 0) {
                throw new ModelException(describe() + " needs a static size for axis " + a + " of " + node.getInput(i)
                        + ", which is " + xType(i).shapeString());
            }
        }
        return dims;
    }

    public boolean needs(int i) {
        return i < needed.length && needed[i];
    }

    /** Sets the gradient of input {@code i}, computing it only when that input needs one. */
    public void dx(int i, Supplier<Value> gradient) {
        if (needs(i)) {
            Value dx = gradient.get();
            int rank = xType(i).rank();
            if (keptRank >= 0 && rank == yType(0).rank()) {
                long[] full = new long[rank];
                Arrays.fill(full, keptRank, rank, 1);
                dx = dx.reshape(full);
            }
            inputGradients[i] = dx;
        }
    }

    Value inputGradient(int i) {
        return inputGradients[i];
    }

    /** The shape of a forward value, computed in the forward graph so only the shape is stashed. */
    public Value shapeOf(Value forwardValue) {
        return b.forwardShape(forwardValue);
    }

    /** Zeros shaped and typed like a forward value, e.g. the gradient of an output nothing used. */
    public Value zerosLike(Value forwardValue) {
        return shapeOf(forwardValue).constantOfShape(0, forwardValue.elementType());
    }

    /** Axes made non-negative against {@code rank} and sorted. */
    public static long[] normalizeAxes(long[] axes, int rank) {
        return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
    }

    public long attr(String name, long fallback) {
        return Attributes.getInt(node, name, fallback);
    }

    public float attr(String name, float fallback) {
        return Attributes.getFloat(node, name, fallback);
    }

    public String attr(String name, String fallback) {
        return Attributes.getString(node, name, fallback);
    }

    public long[] attrInts(String name, long[] fallback) {
        long[] v = Attributes.getInts(node, name);
        return v == null ? fallback : v;
    }

    /** An axis attribute made non-negative against the rank of input 0. */
    public int axis(String name, long fallback) {
        long a = attr(name, fallback);
        int rank = xType(0).rank();
        long axis = a < 0 ? a + rank : a;
        // Flatten's axis may equal the rank; no op's lies beyond it
        if (axis < 0 || axis > rank) {
            throw new ModelException(describe() + ": its " + name + " " + a + " is outside the rank " + rank
                    + " of its input " + node.getInput(0));
        }
        return (int) axis;
    }

    /**
     * Reduces a gradient shaped like output 0 to the shape of input {@code i}, summing over the axes
     * that broadcasting added or stretched (ONNX multidirectional broadcasting).
     */
    public Value sumToInput(Value gradient, int i) {
        long[] from = yType(0).dims();
        long[] to = xType(i).dims();
        return staticShapesTell(from, to) ? unbroadcast(gradient, from, to)
                : sumToShape(gradient, shapeOf(x(i)), from.length, to.length);
    }

    /**
     * Whether static shapes tell which axes broadcasting stretched. They do not where a symbolic
     * dimension of the input faces a known size above 1 (the symbol may stand for 1). Two symbolic
     * dimensions facing each other are taken to be equal, as in every exported batch or sequence axis.
     */
    static boolean staticShapesTell(long[] from, long[] to) {
        int lead = from.length - to.length;
        for (int a = 0; a < to.length; a++) {
            if (to[a] < 0 && from[a + lead] > 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reduces a gradient of rank {@code rank} to {@code shape}, a 1-D int64 value of length
     * {@code targetRank} that broadcast to it, summing over the axes where the shape is 1, found at run time.
     */
    public static Value sumToShape(Value gradient, Value shape, int rank, int targetRank) {
        Value full = shape;
        if (rank > targetRank) {
            long[] ones = new long[rank - targetRank];
            Arrays.fill(ones, 1);
            full = gradient.b().ints(ones).concat(0, shape);
        }
        Value axes = full.equal(full.scalar(1)).nonZero();
        return gradient.sum(axes, true).reshape(shape);
    }

    /** Reduces a gradient of shape {@code from} to shape {@code to}, which broadcast to {@code from}. */
    public static Value unbroadcast(Value gradient, long[] from, long[] to) {
        int lead = from.length - to.length;
        List<Long> stretched = new ArrayList<>();
        for (int a = 0; a < to.length; a++) {
            if (to[a] == 1 && from[a + lead] != 1) {
                stretched.add((long) (a + lead));
            }
        }
        long[] leading = new long[lead];
        for (int a = 0; a < lead; a++) {
            leading[a] = a;
        }
        return gradient.sum(stretched.stream().mapToLong(Long::longValue).toArray(), true).sum(leading, false);
    }

    /** The node as users know it: op type and name. */
    public String describe() {
        return describe(node);
    }

    static String describe(NodeProto node) {
        return node.getOpType() + " node '" + ModelGraph.nameOf(node) + "'";
    }
}
