package dev.trainer.autodiff;

import dev.trainer.onnx.ValueType;
import java.util.Map;

/**
 * Reductions: the gradient is dy broadcast back over the reduced axes. Axes are an attribute
 * before ReduceSum-13 and ReduceMean-18 and an (optional) input from then on.
 */
final class ReductionGradients {

    private ReductionGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        registerOthers(rules);
        // dx = expand(dy with the reduced axes kept, shape(x))
        rules.put("ReduceSum", g -> g.dx(0, () -> runTimeAxes(g, 13) ? keptAtRunTime(g) : broadcastBack(g, 13)));
        // dx = expand(dy, shape(x)) / (number of elements reduced into each y)
        rules.put("ReduceMean", g -> g.dx(0, () -> {
            if (runTimeAxes(g, 18)) {
                Value shape = g.shapeOf(g.x(0));
                return keptAtRunTime(g).div(shape.product().div(g.dy().shape().product()).cast(g.dy().elementType()));
            }
            long[] axes = reducedAxes(g, 18);
            return axes == null ? g.dy() : broadcastBack(g, 18).div(count(g, axes));
        }));
    }

    private static Value broadcastBack(NodeGradient g, long axesInputSince) {
        long[] axes = reducedAxes(g, axesInputSince);
        if (axes == null) {
            return g.dy();
        }
        Value dy = g.attr("keepdims", 1L) == 1 ? g.dy() : g.dy().unsqueeze(axes);
        return dy.expand(g.shapeOf(g.x(0)));
    }

    /**
     * The other reductions, their axes constant (or folded): each dx is dy, and y where needed, with the
     * reduced axes kept (broadcasting does the rest), times the derivative of y in each element of x.
     */
    private static void registerOthers(Map<String, GradientRule> rules) {
        // y = sqrt(sum x^2): dx = dy x / y
        rules.put("ReduceL2", g -> g.dx(0, () -> reduced(g, (dy, y) -> dy.mul(g.x(0)).div(y))));
        // y = sum x^2: dx = 2 x dy
        rules.put("ReduceSumSquare", g -> g.dx(0, () -> reduced(g, (dy, y) -> dy.mul(g.x(0)).mul(2.0))));
        // y = log sum e^x: dx = dy e^(x - y)
        rules.put("ReduceLogSumExp", g -> g.dx(0, () -> reduced(g, (dy, y) -> dy.mul(g.x(0).sub(y).exp()))));
        // dy goes to the elements equal to y, split evenly among ties (as PyTorch's amax and amin)
        rules.put("ReduceMax", ReductionGradients::extremum);
        rules.put("ReduceMin", ReductionGradients::extremum);
    }

    private static void extremum(NodeGradient g) {
        g.dx(0, () -> reduced(g, (dy, y) -> {
            Value x = g.x(0);
            Value hit = x.equal(y).where(x.scalar(1), x.scalar(0));
            long[] axes = reducedAxes(g, 18);
            return hit.mul(dy).div(hit.sum(axes, true));
        }));
    }

    /**
     * {@code f(dy, y)} with dy and y given the reduced axes back as 1s; the identity when the
     * reduction is a no-op. Axes became an input of these ops at opset 18.
     */
    private static Value reduced(NodeGradient g, java.util.function.BinaryOperator<Value> f) {
        long[] axes = reducedAxes(g, 18);
        if (axes == null) {
            return g.dy();
        }
        boolean kept = g.attr("keepdims", 1L) == 1;
        return f.apply(kept ? g.dy() : g.dy().unsqueeze(axes), kept ? g.y(0) : g.y(0).unsqueeze(axes));
    }

    /** Whether the axes are an input that neither a constant nor constant folding gives. */
    private static boolean runTimeAxes(NodeGradient g, long axesInputSince) {
        return g.opset() >= axesInputSince && g.hasInput(1) && g.knownInts(1) == null;
    }

    /**
     * dy broadcast back over x's shape for axes known only at run time: dy is first reshaped to x's
     * shape with each reduced axis 1 (every axis when the axes are empty, unless that is a no-op).
     */
    private static Value keptAtRunTime(NodeGradient g) {
        int rank = g.xType(0).rank();
        Value shape = g.shapeOf(g.x(0));
        Value axes = g.x(1);
        Value positive = axes.less(0).where(axes.add(rank), axes);
        Value ones = shape.mul(0).add(1);
        Value reduced = g.builder().ints(new long[rank]).scatterElements(positive, positive.mul(0).add(1), 0, null);
        Value kept = reduced.equal(reduced.scalar(1)).where(ones, shape);
        if (g.attr("noop_with_empty_axes", 0L) == 0) {
            kept = axes.size().equal(axes.size().scalar(0)).where(ones, kept);
        }
        return g.dy().reshape(kept).expand(shape);
    }

    /**
     * The reduced axes, non-negative and sorted; every axis when none are given, or {@code null}
     * (identity) when none are given and {@code noop_with_empty_axes} is set.
     */
    static long[] reducedAxes(NodeGradient g, long axesInputSince) {
        int rank = g.xType(0).rank();
        long[] axes = g.opset() < axesInputSince ? g.attrInts("axes", new long[0])
                : g.hasInput(1) ? g.constantInts(1) : new long[0];
        if (axes.length == 0) {
            if (g.opset() >= axesInputSince && g.attr("noop_with_empty_axes", 0L) == 1) {
                return null;
            }
            return ConvolutionGradients.range(0, rank);
        }
        return NodeGradient.normalizeAxes(axes, rank);
    }

    /** How many elements of x reduce into one of y: static where the dims are, else from x's shape. */
    private static Value count(NodeGradient g, long[] axes) {
        ValueType x = g.xType(0);
        long n = 1;
        for (long a : axes) {
            if (x.dims()[(int) a] < 0) {
                return g.shapeOf(g.x(0)).gather(g.builder().ints(axes), 0).product().cast(x.elementType());
            }
            n *= x.dims()[(int) a];
        }
        return g.dy().scalar(n);
    }
}
