package dev.trainer.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Ops that move elements without changing them: the gradient moves back the same way. */
final class ShapeGradients {

    private ShapeGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        registerRepeats(rules);
        rules.put("Identity", g -> g.dx(0, g::dy));
        // Inactive (inference) Dropout is the identity. Active, it keeps the elements its mask
        // marks and scales them by 1 / (1 - ratio): the gradient takes the same path back.
        rules.put("Dropout", g -> g.dx(0, () -> {
            if (g.node().getOutputCount() < 2 || g.node().getOutput(1).isEmpty() || !g.hasInput(2)) {
                return g.dy();
            }
            Value keep = g.hasInput(1) ? g.x(1).neg().add(1) : g.dy().scalar(0.5);
            Value mask = new Value(g.builder(), g.node().getOutput(1), ai.onnx.proto.OnnxMl.TensorProto.DataType.BOOL_VALUE);
            return mask.where(g.dy().div(keep), g.dy().scalar(0));
        }));
        rules.put("Flatten", g -> g.dx(0, () -> g.dy().reshape(g.shapeOf(g.x(0)))));
        rules.put("Reshape", g -> g.dx(0, () -> g.dy().reshape(g.shapeOf(g.x(0)))));
        rules.put("Squeeze", g -> g.dx(0, () -> g.dy().reshape(g.shapeOf(g.x(0)))));
        rules.put("Unsqueeze", g -> g.dx(0, () -> g.dy().reshape(g.shapeOf(g.x(0)))));
        // dx = dy summed over the axes Expand broadcast along; found at run time where x has a
        // symbolic dimension, which may stand for a broadcast 1
        rules.put("Expand", g -> g.dx(0, () -> Arrays.stream(g.xType(0).dims()).anyMatch(d -> d < 0)
                ? NodeGradient.sumToShape(g.dy(), g.shapeOf(g.x(0)), g.yType(0).rank(), g.xType(0).rank())
                : g.sumToInput(g.dy(), 0)));
        // dx = the dy's joined along the axis, zeros for outputs nothing used (whatever gave the sizes)
        rules.put("Split", g -> g.dx(0, () -> {
            Value[] parts = new Value[g.node().getOutputCount()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = g.dy(i) != null ? g.dy(i) : g.zerosLike(g.y(i));
            }
            return parts[0].concat(g.axis("axis", 0), Arrays.copyOfRange(parts, 1, parts.length));
        }));
        rules.put("Transpose", g -> g.dx(0, () -> g.dy().transpose(inverse(transposePerm(g)))));
        // Split dy along the axis into pieces as long as each input was along it.
        rules.put("Concat", g -> {
            int rank = g.xType(0).rank();
            long axis = g.attr("axis", 0L);
            long positiveAxis = axis < 0 ? axis + rank : axis;
            List<Value> lengths = new ArrayList<>();
            for (int i = 0; i < g.inputCount(); i++) {
                lengths.add(g.shapeOf(g.x(i)).slice(0, positiveAxis, positiveAxis + 1));
            }
            Value splits = g.builder().op("Concat", lengths, dev.trainer.onnx.Attributes.ofInt("axis", 0));
            List<Value> parts = g.builder().ops("Split", g.inputCount(), List.of(g.dy(), splits),
                    dev.trainer.onnx.Attributes.ofInt("axis", positiveAxis));
            for (int i = 0; i < g.inputCount(); i++) {
                int input = i;
                g.dx(input, () -> parts.get(input));
            }
        });
    }

    /** Ops that repeat or accumulate elements along axes. */
    private static void registerRepeats(Map<String, GradientRule> rules) {
        // y = x repeated r_i times along each axis i: dy seen as [r_0, d_0, r_1, d_1, ...] summed over the r_i
        rules.put("Tile", g -> g.dx(0, () -> {
            long[] repeats = g.constantInts(1);
            Value shape = g.shapeOf(g.x(0));
            List<Value> split = new ArrayList<>();
            long[] repeatAxes = new long[repeats.length];
            for (int a = 0; a < repeats.length; a++) {
                split.add(g.builder().ints(repeats[a]));
                split.add(shape.slice(0, a, a + 1));
                repeatAxes[a] = 2L * a;
            }
            Value splitShape = g.builder().op("Concat", split, dev.trainer.onnx.Attributes.ofInt("axis", 0));
            return g.dy().reshape(splitShape).sum(repeatAxes, false);
        }));
        // y = running sums along the axis: dx = the running sums of dy taken the other way
        rules.put("CumSum", g -> g.dx(0, () -> g.builder().op("CumSum", List.of(g.dy(), g.x(1)),
                dev.trainer.onnx.Attributes.ofInt("exclusive", g.attr("exclusive", 0L)),
                dev.trainer.onnx.Attributes.ofInt("reverse", 1 - g.attr("reverse", 0L)))));
    }

    private static long[] transposePerm(NodeGradient g) {
        int rank = g.xType(0).rank();
        long[] reversed = new long[rank];
        for (int i = 0; i < rank; i++) {
            reversed[i] = rank - 1 - i;
        }
        return g.attrInts("perm", reversed);
    }

    private static long[] inverse(long[] perm) {
        long[] inv = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[(int) perm[i]] = i;
        }
        return inv;
    }
}
