package dev.trainer.autodiff;

import dev.trainer.ModelException;
import dev.trainer.onnx.Attributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Pad in each of ONNX's modes. Pads are an attribute before opset 11 and an input from then on
 * (with an optional axes input from 18); pads the graph computes at run time are used as they come.
 */
final class PadGradients {

    private PadGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        // constant: dx = dy cropped back, i.e. padded by the negated pads (negative pads crop)
        // reflect, edge, wrap: y copies elements of x into its borders, so each border of dy is
        // added back onto the elements it copied, one axis at a time (the modes pad axes independently)
        rules.put("Pad", g -> g.dx(0, () -> {
            String mode = g.attr("mode", "constant");
            Value pads = g.opset() < 11 ? g.builder().ints(g.attrInts("pads", new long[0])) : g.x(1);
            return switch (mode) {
                case "constant" -> g.hasInput(3)
                        ? g.builder().op("Pad", Arrays.asList(g.dy(), pads.neg(), null, g.x(3)),
                                Attributes.ofString("mode", "constant"))
                        : g.dy().pad(pads.neg());
                case "reflect", "edge", "wrap" -> borders(g, mode, pads);
                default -> throw new ModelException(g.describe() + ": Pad mode " + mode + " has no gradient rule");
            };
        }));
    }

    private static Value borders(NodeGradient g, String mode, Value pads) {
        GraphBuilder b = g.builder();
        int rank = g.xType(0).rank();
        long[] axes = g.hasInput(3) ? NodeGradient.normalizeAxes(g.constantInts(3), rank) : ConvolutionGradients.range(0, rank);
        long[] known = g.opset() < 11 ? g.attrInts("pads", new long[0]) : g.knownInts(1);
        Value grad = g.dy();
        for (int j = 0; j < axes.length; j++) {
            if (known != null && known[j] == 0 && known[j + axes.length] == 0) {
                continue;
            }
            Value begin = known != null ? b.ints(known[j]) : pads.slice(0, j, j + 1);
            Value end = known != null ? b.ints(known[j + axes.length]) : pads.slice(0, j + axes.length, j + axes.length + 1);
            Value n = g.shapeOf(g.x(0)).slice(0, axes[j], axes[j] + 1);
            grad = border(grad, mode, new Axis(axes[j], rank, n), begin, end);
        }
        return grad;
    }

    /** An axis of a tensor of rank {@code rank} whose input length is {@code n} (a 1-element int64 value). */
    private record Axis(long axis, int rank, Value n) {

        Value slice(Value grad, Value from, Value to) {
            return grad.slice(from, to, grad.b().ints(axis), grad.b().ints(1));
        }

        /** {@code v} with {@code before} zeros ahead of it along the axis and {@code after} zeros behind. */
        Value place(Value v, Value before, Value after) {
            GraphBuilder b = v.b();
            List<Value> pads = new ArrayList<>();
            zeros(b, axis, pads);
            pads.add(before);
            zeros(b, rank - 1, pads);
            pads.add(after);
            zeros(b, rank - axis - 1, pads);
            return v.pad(b.op("Concat", pads, Attributes.ofInt("axis", 0)));
        }

        private static void zeros(GraphBuilder b, long count, List<Value> into) {
            if (count > 0) {
                into.add(b.ints(new long[(int) count]));
            }
        }
    }

    /** The gradient of one padded axis: dy's middle, plus each border added onto what it copied. */
    private static Value border(Value grad, String mode, Axis a, Value begin, Value end) {
        Value n = a.n();
        Value afterCenter = begin.add(n);
        Value center = a.slice(grad, begin, afterCenter);
        Value left = a.slice(grad, begin.scalar(0).reshape(1), begin);
        Value right = a.slice(grad, afterCenter, afterCenter.add(end));
        Value last = n.add(-1);
        return switch (mode) {
            // y[b - 1 - i] = x[1 + i] and y[b + n + i] = x[n - 2 - i]
            case "reflect" -> center.add(a.place(left.reverse(a.axis()), begin.scalar(1).reshape(1), last.sub(begin)))
                    .add(a.place(right.reverse(a.axis()), last.sub(end), end.scalar(1).reshape(1)));
            // every left border element copies x[0], every right one x[n - 1]
            case "edge" -> center.add(a.place(left.sum(a.axis(), true), begin.scalar(0).reshape(1), last))
                    .add(a.place(right.sum(a.axis(), true), last, end.scalar(0).reshape(1)));
            // y[i] = x[n - b + i] on the left, y[b + n + i] = x[i] on the right
            default -> center.add(a.place(left, n.sub(begin), begin.scalar(0).reshape(1)))
                    .add(a.place(right, end.scalar(0).reshape(1), n.sub(end)));
        };
    }
}
