package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Evaluates the small integer computations exporters leave in graphs (Shape, Gather, Concat,
 * Unsqueeze chains; pads computed with Mod; axes from Range) wherever every input is a constant or
 * a shape that shape inference knows statically, so that rules needing axes, pads or sizes as
 * numbers get them. Trainable tensors, tensors over {@link #LIMIT} elements and ops outside the
 * list below are never folded: the rule then takes its dynamic form or says what it needs.
 */
final class ConstantFolding {

    /** The largest tensor folded: shape vectors and small index tables, never activations. */
    static final int LIMIT = 4096;

    /** A folded value: element type, dimensions and the elements as doubles (integers exact to 2^53). */
    record Tensor(int type, long[] dims, double[] values) {

        boolean isInteger() {
            return type == DataType.INT64_VALUE || type == DataType.INT32_VALUE || type == DataType.BOOL_VALUE;
        }

        long[] longs() {
            return Arrays.stream(values).mapToLong(v -> (long) v).toArray();
        }
    }

    private final Map<String, NodeProto> producers;
    private final Map<String, TensorProto> initializers;
    private final Map<String, ValueType> types;
    private final Set<String> trainable;
    private final Map<String, Optional<Tensor>> memo = new HashMap<>();

    ConstantFolding(Map<String, NodeProto> producers, Map<String, TensorProto> initializers, Map<String, ValueType> types,
                    Set<String> trainable) {
        this.producers = producers;
        this.initializers = initializers;
        this.types = types;
        this.trainable = trainable;
    }

    /** The value of {@code name} when it can be computed without running the model; {@code null} otherwise. */
    Tensor value(String name) {
        Tensor t = partial(name);
        return t == null || Arrays.stream(t.values()).anyMatch(Double::isNaN) ? null : t;
    }

    /**
     * The value of {@code name} with NaN for the elements only the run knows (a symbolic dimension
     * of a shape), so that e.g. a Gather of a shape's static dimensions still folds.
     */
    private Tensor partial(String name) {
        Optional<Tensor> known = memo.get(name);
        if (known == null) {
            memo.put(name, Optional.empty());
            Tensor t = compute(name);
            known = Optional.ofNullable(t != null && t.values().length <= LIMIT ? t : null);
            memo.put(name, known);
        }
        return known.orElse(null);
    }

    private Tensor compute(String name) {
        if (name.isEmpty() || trainable.contains(name)) {
            return null;
        }
        TensorProto init = initializers.get(name);
        if (init != null) {
            return init.getDataLocation() == TensorProto.DataLocation.EXTERNAL
                    || TensorTypes.elementCount(init.getDimsList()) > LIMIT ? null : read(init);
        }
        NodeProto node = producers.get(name);
        if (node == null || !node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")
                || !node.getOutput(0).equals(name)) {
            return null;
        }
        if (node.getOpType().equals("Constant")) {
            return constant(node);
        }
        if (node.getOpType().equals("Shape") || node.getOpType().equals("Size")) {
            return shape(node);
        }
        List<Tensor> in = new ArrayList<>();
        for (String input : node.getInputList()) {
            Tensor t = input.isEmpty() ? null : partial(input);
            if (t == null && !input.isEmpty()) {
                return null;
            }
            in.add(t);
        }
        return evaluate(node, in);
    }

    private Tensor evaluate(NodeProto node, List<Tensor> in) {
        if (!structureKnown(node.getOpType(), in)) {
            return null;
        }
        return switch (node.getOpType()) {
            case "Identity" -> in.getFirst();
            case "Cast" -> cast(in.getFirst(), (int) Attributes.getInt(node, "to", 0));
            case "Unsqueeze", "Squeeze", "Reshape", "Flatten" -> reshaped(node, in.getFirst());
            case "Gather" -> gather(in.get(0), in.get(1), (int) Attributes.getInt(node, "axis", 0));
            case "Concat" -> concat(in, (int) Attributes.getInt(node, "axis", 0));
            case "Slice" -> node.getInputCount() > 1 ? slice(in) : null;
            case "Range" -> range(in.get(0).values()[0], in.get(1).values()[0], in.get(2).values()[0], in.get(0).type());
            case "ConstantOfShape" -> constantOfShape(node, in.getFirst());
            case "Expand" -> broadcast(List.of(in.get(0), filled(in.get(1).longs(), DataType.INT64_VALUE, 0)),
                    in.get(0).type(), v -> v[0]);
            case "Where" -> broadcast(in, in.get(1).type(), v -> v[0] != 0 ? v[1] : v[2]);
            case "Neg" -> unary(in.getFirst(), x -> -x);
            case "Abs" -> unary(in.getFirst(), Math::abs);
            case "Floor" -> unary(in.getFirst(), Math::floor);
            case "Ceil" -> unary(in.getFirst(), Math::ceil);
            case "Sqrt" -> unary(in.getFirst(), Math::sqrt);
            case "Not" -> unary(in.getFirst(), x -> x == 0 ? 1 : 0);
            default -> binary(node, in);
        };
    }

    /** Whether the inputs saying where or how much (indices, starts, shapes, counts) are fully known. */
    private static boolean structureKnown(String op, List<Tensor> in) {
        int from = switch (op) {
            case "Gather", "Slice", "Expand" -> 1;
            case "Range", "ConstantOfShape" -> 0;
            default -> in.size();
        };
        return in.stream().skip(from).noneMatch(ConstantFolding::unknown);
    }

    /** Whether some element of a (partial) value is known only at run time. */
    private static boolean unknown(Tensor t) {
        return t != null && Arrays.stream(t.values()).anyMatch(Double::isNaN);
    }

    private static Tensor binary(NodeProto node, List<Tensor> in) {
        if (in.size() != 2) {
            return null;
        }
        int type = in.get(0).type();
        boolean integer = in.get(0).isInteger();
        DoubleBinaryOperator f = switch (node.getOpType()) {
            case "Add" -> Double::sum;
            case "Sub" -> (a, b) -> a - b;
            case "Mul" -> (a, b) -> a * b;
            case "Div" -> integer ? (a, b) -> (double) ((long) a / (long) b) : (a, b) -> a / b;
            case "Mod" -> Attributes.getInt(node, "fmod", 0) == 1 || !integer
                    ? (a, b) -> a % b : (a, b) -> (double) Math.floorMod((long) a, (long) b);
            case "Max" -> Math::max;
            case "Min" -> Math::min;
            case "Pow" -> Math::pow;
            default -> null;
        };
        if (f != null) {
            return broadcast(in, type, v -> f.applyAsDouble(v[0], v[1]));
        }
        DoubleBinaryOperator test = switch (node.getOpType()) {
            case "Equal" -> (a, b) -> a == b ? 1 : 0;
            case "Less" -> (a, b) -> a < b ? 1 : 0;
            case "LessOrEqual" -> (a, b) -> a <= b ? 1 : 0;
            case "Greater" -> (a, b) -> a > b ? 1 : 0;
            case "GreaterOrEqual" -> (a, b) -> a >= b ? 1 : 0;
            case "And" -> (a, b) -> a != 0 && b != 0 ? 1 : 0;
            case "Or" -> (a, b) -> a != 0 || b != 0 ? 1 : 0;
            default -> null;
        };
        return test == null ? null : broadcast(in, DataType.BOOL_VALUE, v -> test.applyAsDouble(v[0], v[1]));
    }

    private Tensor shape(NodeProto node) {
        ValueType t = types.get(node.getInput(0));
        if (t == null) {
            return null;
        }
        int rank = t.rank();
        long start = Attributes.getInt(node, "start", 0);
        long end = Attributes.getInt(node, "end", rank);
        int from = (int) Math.clamp(start < 0 ? start + rank : start, 0, rank);
        int to = (int) Math.clamp(end < 0 ? end + rank : end, from, rank);
        long[] dims = Arrays.copyOfRange(t.dims(), from, to);
        boolean symbolic = Arrays.stream(dims).anyMatch(d -> d < 0);
        if (node.getOpType().equals("Size")) {
            return new Tensor(DataType.INT64_VALUE, new long[0],
                    new double[] {symbolic ? Double.NaN : TensorTypes.elementCount(dims)});
        }
        return new Tensor(DataType.INT64_VALUE, new long[] {dims.length},
                Arrays.stream(dims).mapToDouble(d -> d < 0 ? Double.NaN : d).toArray());
    }

    private Tensor reshaped(NodeProto node, Tensor in) {
        ValueType out = types.get(node.getOutput(0));
        if (out == null || Arrays.stream(out.dims()).anyMatch(d -> d < 0)
                || TensorTypes.elementCount(out.dims()) != in.values().length) {
            return null;
        }
        return new Tensor(in.type(), out.dims(), in.values());
    }

    private static Tensor constant(NodeProto node) {
        if (node.getAttributeCount() != 1) {
            return null;
        }
        AttributeProto a = node.getAttribute(0);
        return switch (a.getName()) {
            case "value" -> TensorTypes.elementCount(a.getT().getDimsList()) > LIMIT ? null : read(a.getT());
            case "value_int" -> new Tensor(DataType.INT64_VALUE, new long[0], new double[] {a.getI()});
            case "value_ints" -> new Tensor(DataType.INT64_VALUE, new long[] {a.getIntsCount()},
                    a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray());
            case "value_float" -> new Tensor(DataType.FLOAT_VALUE, new long[0], new double[] {a.getF()});
            default -> null;
        };
    }

    private static Tensor read(TensorProto t) {
        ByteBuffer bytes = TensorTypes.bytesOf(t);
        double[] v = new double[Math.toIntExact(TensorTypes.elementCount(t.getDimsList()))];
        for (int i = 0; i < v.length; i++) {
            switch (DataType.forNumber(t.getDataType())) {
                case INT64 -> v[i] = bytes.getLong();
                case INT32 -> v[i] = bytes.getInt();
                case BOOL -> v[i] = bytes.get();
                case FLOAT -> v[i] = bytes.getFloat();
                case DOUBLE -> v[i] = bytes.getDouble();
                case null, default -> {
                    return null;
                }
            }
        }
        return new Tensor(t.getDataType(), TensorTypes.dims(t), v);
    }

    private static Tensor cast(Tensor in, int to) {
        DoubleUnaryOperator f = switch (DataType.forNumber(to)) {
            case INT64, INT32 -> x -> (double) (long) x;
            case BOOL -> x -> x != 0 ? 1 : 0;
            case FLOAT -> x -> (float) x;
            case DOUBLE -> x -> x;
            case null, default -> null;
        };
        return f == null ? null : unary(new Tensor(to, in.dims(), in.values()), f);
    }

    private static Tensor unary(Tensor in, DoubleUnaryOperator f) {
        return new Tensor(in.type(), in.dims(), Arrays.stream(in.values()).map(x -> Double.isNaN(x) ? x : f.applyAsDouble(x)).toArray());
    }

    private static Tensor gather(Tensor data, Tensor indices, int axis) {
        int rank = data.dims().length;
        int a = axis < 0 ? axis + rank : axis;
        long outer = TensorTypes.elementCount(Arrays.copyOfRange(data.dims(), 0, a));
        long inner = TensorTypes.elementCount(Arrays.copyOfRange(data.dims(), a + 1, rank));
        long n = data.dims()[a];
        double[] v = new double[Math.toIntExact(outer * indices.values().length * inner)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (double index : indices.values()) {
                long i = index < 0 ? (long) index + n : (long) index;
                for (long j = 0; j < inner; j++) {
                    v[k++] = data.values()[(int) ((o * n + i) * inner + j)];
                }
            }
        }
        long[] dims = ConvolutionGradients.concat(Arrays.copyOfRange(data.dims(), 0, a),
                ConvolutionGradients.concat(indices.dims(), Arrays.copyOfRange(data.dims(), a + 1, rank)));
        return new Tensor(data.type(), dims, v);
    }

    private static Tensor concat(List<Tensor> parts, int axis) {
        int rank = parts.getFirst().dims().length;
        int a = axis < 0 ? axis + rank : axis;
        long outer = TensorTypes.elementCount(Arrays.copyOfRange(parts.getFirst().dims(), 0, a));
        List<Double> v = new ArrayList<>();
        long total = 0;
        for (Tensor p : parts) {
            total += p.dims()[a];
        }
        for (long o = 0; o < outer; o++) {
            for (Tensor p : parts) {
                int chunk = (int) (p.values().length / outer);
                for (int j = 0; j < chunk; j++) {
                    v.add(p.values()[(int) (o * chunk + j)]);
                }
            }
        }
        long[] dims = parts.getFirst().dims().clone();
        dims[a] = total;
        return new Tensor(parts.getFirst().type(), dims, v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Slice of a 1-D tensor (a shape vector), with ONNX's clamping of starts and ends. */
    private static Tensor slice(List<Tensor> in) {
        Tensor data = in.get(0);
        if (data.dims().length != 1 || in.get(1).values().length != 1) {
            return null;
        }
        long n = data.dims()[0];
        long step = in.size() > 4 && in.get(4) != null ? (long) in.get(4).values()[0] : 1;
        long start = clampIndex((long) in.get(1).values()[0], n, step);
        long end = clampIndex((long) in.get(2).values()[0], n, step);
        List<Double> v = new ArrayList<>();
        for (long i = start; step > 0 ? i < end : i > end; i += step) {
            v.add(data.values()[(int) i]);
        }
        return new Tensor(data.type(), new long[] {v.size()}, v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static long clampIndex(long i, long n, long step) {
        long j = i < 0 ? i + n : i;
        return step > 0 ? Math.clamp(j, 0, n) : Math.clamp(j, -1, n - 1);
    }

    private static Tensor range(double start, double limit, double delta, int type) {
        int count = (int) Math.max(0, Math.ceil((limit - start) / delta));
        if (count > LIMIT) {
            return null;
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = start + i * delta;
        }
        return new Tensor(type, new long[] {count}, v);
    }

    /** A tensor filled with the node's value (a float 0 without one). */
    private static Tensor constantOfShape(NodeProto node, Tensor shape) {
        AttributeProto value = Attributes.find(node, "value");
        Tensor fill = value == null ? new Tensor(DataType.FLOAT_VALUE, new long[] {1}, new double[] {0}) : read(value.getT());
        return fill == null ? null : filled(shape.longs(), fill.type(), fill.values()[0]);
    }

    private static Tensor filled(long[] dims, int type, double value) {
        long count = TensorTypes.elementCount(dims);
        if (count > LIMIT) {
            return null;
        }
        double[] v = new double[(int) count];
        Arrays.fill(v, value);
        return new Tensor(type, dims, v);
    }

    /** Elementwise f over inputs broadcast together (ONNX multidirectional broadcasting). */
    private static Tensor broadcast(List<Tensor> in, int type, java.util.function.Function<double[], Double> f) {
        if (in.stream().anyMatch(t -> t == null)) {
            return null;
        }
        int rank = in.stream().mapToInt(t -> t.dims().length).max().orElse(0);
        long[] dims = new long[rank];
        Arrays.fill(dims, 1);
        for (Tensor t : in) {
            int lead = rank - t.dims().length;
            for (int a = 0; a < t.dims().length; a++) {
                if (t.dims()[a] != 1) {
                    dims[lead + a] = t.dims()[a];
                }
            }
        }
        long count = TensorTypes.elementCount(dims);
        if (count > LIMIT) {
            return null;
        }
        double[] out = new double[(int) count];
        double[] args = new double[in.size()];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < in.size(); k++) {
                args[k] = in.get(k).values()[sourceIndex(i, dims, in.get(k).dims())];
            }
            out[i] = Arrays.stream(args).anyMatch(Double::isNaN) ? Double.NaN : f.apply(args);
        }
        return new Tensor(type, dims, out);
    }

    /** The element of a tensor of {@code dims} that broadcasts to element {@code flat} of {@code outDims}. */
    private static int sourceIndex(long flat, long[] outDims, long[] dims) {
        int lead = outDims.length - dims.length;
        long index = 0;
        long stride = 1;
        long rest = flat;
        for (int a = outDims.length - 1; a >= 0; a--) {
            long coordinate = rest % outDims[a];
            rest /= outDims[a];
            if (a >= lead) {
                long d = dims[a - lead];
                index += (d == 1 ? 0 : coordinate) * stride;
                stride *= d;
            }
        }
        return (int) index;
    }
}
