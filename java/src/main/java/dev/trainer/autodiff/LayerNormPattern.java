package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.ModelGraph;
import dev.trainer.onnx.ValueType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The normalization of a LayerNorm as exporters before opset 17 write it out, op by op, over the
 * last axis: n = (x − mean(x)) / sqrt(mean((x − mean(x))²) + ε), as ReduceMean, Sub, Pow (or Mul),
 * ReduceMean, Add, Sqrt, Div. Its gradient as one rule, dx = (dn − mean(dn) − n·mean(dn·n)) / σ,
 * reads n and σ and takes 7 passes over the activation; the ops' own rules take 14 (two
 * broadcasts back of a mean among them). MiniLM's 13 LayerNorms: docs/performance.md.
 *
 * @param input  x
 * @param output n, the Div's output
 * @param std    σ, the Sqrt's output ([..., 1])
 * @param width  the size of the normalized (last) axis
 * @param inner  the pattern's nodes before the Div, whose values nothing outside it reads
 */
record LayerNormPattern(String input, String output, String std, long width, Set<NodeProto> inner) {

    /**
     * The patterns of a graph, by their Div node.
     *
     * @param constantNumbers the values of a constant input, {@code null} when it is not one
     */
    static Map<NodeProto, LayerNormPattern> find(ModelGraph graph, Map<String, ValueType> types,
                                                  Function<String, double[]> constantNumbers) {
        Map<NodeProto, LayerNormPattern> found = new HashMap<>();
        for (NodeProto div : graph.nodes()) {
            LayerNormPattern p = div.getOpType().equals("Div") && div.getInputCount() == 2
                    ? match(div, graph.producersByValue(), types, constantNumbers) : null;
            if (p != null && p.innerValuesStayInside(div, graph)) {
                found.put(div, p);
            }
        }
        return found;
    }

    private static LayerNormPattern match(NodeProto div, Map<String, NodeProto> producers, Map<String, ValueType> types,
                                          Function<String, double[]> constantNumbers) {
        NodeProto sub = producer(producers, div.getInput(0), "Sub");
        NodeProto sqrt = producer(producers, div.getInput(1), "Sqrt");
        if (sub == null || sqrt == null) {
            return null;
        }
        String x = sub.getInput(0);
        ValueType type = types.get(x);
        NodeProto mean = producer(producers, sub.getInput(1), "ReduceMean");
        NodeProto add = producer(producers, sqrt.getInput(0), "Add");
        if (type == null || type.rank() < 1 || type.dim(-1) <= 0 || mean == null || add == null
                || !meansLastAxis(mean, x, type.rank(), constantNumbers)) {
            return null;
        }
        String variance = scalarSide(add, constantNumbers);
        NodeProto variances = variance == null ? null : producer(producers, variance, "ReduceMean");
        if (variances == null || !meansLastAxis(variances, variances.getInput(0), type.rank(), constantNumbers)) {
            return null;
        }
        NodeProto square = producers.get(variances.getInput(0));
        String centered = div.getInput(0);
        boolean squares = square != null && (square.getOpType().equals("Mul")
                && square.getInput(0).equals(centered) && square.getInput(1).equals(centered)
                || square.getOpType().equals("Pow") && square.getInput(0).equals(centered)
                && isConstant(constantNumbers.apply(square.getInput(1)), 2));
        if (!squares) {
            return null;
        }
        return new LayerNormPattern(x, div.getOutput(0), sqrt.getOutput(0), type.dim(-1),
                Set.of(mean, sub, square, variances, add, sqrt));
    }

    /** The node producing {@code value} when it is of {@code opType}. */
    private static NodeProto producer(Map<String, NodeProto> producers, String value, String opType) {
        NodeProto p = producers.get(value);
        return p != null && p.getOpType().equals(opType) ? p : null;
    }

    /** ReduceMean of {@code input} over its last axis only, keeping it (axes as attribute before opset 18, input from). */
    private static boolean meansLastAxis(NodeProto mean, String input, int rank, Function<String, double[]> constantNumbers) {
        if (!mean.getInput(0).equals(input) || Attributes.getInt(mean, "keepdims", 1) != 1) {
            return false;
        }
        long[] axes = Attributes.getInts(mean, "axes");
        if (axes == null && mean.getInputCount() > 1) {
            double[] v = constantNumbers.apply(mean.getInput(1));
            axes = v == null ? null : Arrays.stream(v).mapToLong(d -> (long) d).toArray();
        }
        return axes != null && axes.length == 1 && (axes[0] == -1 || axes[0] == rank - 1);
    }

    /** The non-constant input of an Add whose other input is a constant scalar (ε), or {@code null}. */
    private static String scalarSide(NodeProto add, Function<String, double[]> constantNumbers) {
        for (int i = 0; i < 2; i++) {
            double[] c = constantNumbers.apply(add.getInput(1 - i));
            if (c != null && c.length == 1) {
                return add.getInput(i);
            }
        }
        return null;
    }

    private static boolean isConstant(double[] values, double expected) {
        return values != null && values.length == 1 && values[0] == expected;
    }

    /** Whether every value the inner nodes make is read only by the pattern's nodes and is no graph output. */
    private boolean innerValuesStayInside(NodeProto div, ModelGraph graph) {
        Set<NodeProto> pattern = new HashSet<>(inner);
        pattern.add(div);
        return inner.stream().map(n -> n.getOutput(0))
                .allMatch(v -> !graph.hasOutput(v) && pattern.containsAll(graph.consumers(v)));
    }

    /** dx from dn. */
    Value gradient(Value dn, GraphBuilder b, int elementType) {
        Value n = new Value(b, output, elementType);
        Value sigma = new Value(b, std, elementType);
        long[] last = {-1};
        Value meanGradient = dn.sum(last, true).mul(1.0 / width);
        Value meanAlongN = dn.mul(n).sum(last, true).mul(1.0 / width);
        return dn.sub(meanGradient).sub(n.mul(meanAlongN)).div(sigma);
    }
}
