package dev.trainer.autodiff;

import java.util.Map;

/** Pointwise activations and the softmax family. */
final class ActivationGradients {

    private ActivationGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        registerRectifierVariants(rules);
        rules.put("Relu", g -> g.dx(0, () -> g.y(0).greater(0).where(g.dy(), g.dy().scalar(0))));
        rules.put("LeakyRelu", g -> g.dx(0, () ->
                g.x(0).greater(0).where(g.dy(), g.dy().mul(g.attr("alpha", 0.01f)))));
        // y = 1 / (1 + e^-x): dx = dy * y * (1 - y)
        rules.put("Sigmoid", g -> g.dx(0, () -> {
            Value y = g.y(0);
            return g.dy().mul(y).mul(y.neg().add(1));
        }));
        // dx = dy * (1 - y^2)
        rules.put("Tanh", g -> g.dx(0, () -> {
            Value y = g.y(0);
            return g.dy().mul(y.mul(y).neg().add(1));
        }));
        // y = clamp(alpha x + beta, 0, 1): slope alpha strictly inside the clamp
        rules.put("HardSigmoid", g -> g.dx(0, () -> {
            Value y = g.y(0);
            Value inside = y.greater(0).and(y.less(1));
            return inside.where(g.dy().mul(g.attr("alpha", 0.2f)), g.dy().scalar(0));
        }));
        // y = x * clamp(x / 6 + 1/2, 0, 1): dx = dy * (0 below -3, x / 3 + 1/2 up to 3, 1 above)
        rules.put("HardSwish", g -> g.dx(0, () -> {
            Value x = g.x(0);
            Value slope = x.less(-3).where(x.scalar(0),
                    x.less(3).where(x.mul(1.0 / 3).add(0.5), x.scalar(1)));
            return g.dy().mul(slope);
        }));
        // approximate="none": y = x Phi(x), dx = dy * (Phi(x) + x phi(x)),
        //   Phi(x) = (1 + erf(x / sqrt 2)) / 2, phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
        // approximate="tanh": y = x (1 + t) / 2 with t = tanh(k (x + c x^3)), k = sqrt(2 / pi), c = 0.044715:
        //   dx = dy * ((1 + t) / 2 + x (1 - t^2) k (1 + 3 c x^2) / 2)
        rules.put("Gelu", g -> g.dx(0, () -> {
            Value x = g.x(0);
            Value x2 = x.mul(x);
            if (g.attr("approximate", "none").equals("tanh")) {
                double k = Math.sqrt(2 / Math.PI);
                double c = 0.044715;
                Value t = x.add(x2.mul(x).mul(c)).mul(k).tanh();
                Value inner = t.mul(t).neg().add(1).mul(x2.mul(3 * c).add(1)).mul(x).mul(0.5 * k);
                return g.dy().mul(t.add(1).mul(0.5).add(inner));
            }
            Value cdf = x.mul(Math.sqrt(0.5)).erf().add(1).mul(0.5);
            Value pdf = x2.mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
            return g.dy().mul(cdf.add(x.mul(pdf)));
        }));
        // dx = y * (dy - sum(dy * y)) over the softmax axes
        rules.put("Softmax", g -> g.dx(0, () -> {
            Value y = g.y(0);
            return y.mul(g.dy().sub(g.dy().mul(y).sum(softmaxAxes(g), true)));
        }));
        // dx = dy - exp(y) * sum(dy) over the softmax axes
        rules.put("LogSoftmax", g -> g.dx(0, () ->
                g.dy().sub(g.y(0).exp().mul(g.dy().sum(softmaxAxes(g), true)))));
        // The gradient passes where min <= x <= max, as PyTorch's clamp.
        rules.put("Clip", g -> g.dx(0, () -> {
            Value x = g.x(0);
            Value low = g.opset() < 11 ? x.scalar(g.attr("min", -Float.MAX_VALUE)) : g.hasInput(1) ? g.x(1) : null;
            Value high = g.opset() < 11 ? x.scalar(g.attr("max", Float.MAX_VALUE)) : g.hasInput(2) ? g.x(2) : null;
            Value mask = low == null ? null : x.greaterOrEqual(low);
            if (high != null) {
                Value belowHigh = x.lessOrEqual(high);
                mask = mask == null ? belowHigh : mask.and(belowHigh);
            }
            return mask == null ? g.dy() : mask.where(g.dy(), g.dy().scalar(0));
        }));
    }

    /** The smooth and parametric relatives of ReLU. */
    static void registerRectifierVariants(Map<String, GradientRule> rules) {
        // y = log(1 + e^x): dx = dy sigmoid(x)
        rules.put("Softplus", g -> g.dx(0, () -> g.dy().mul(g.x(0).sigmoid())));
        // y = x above 0, alpha (e^x - 1) below: dx = dy, or dy (y + alpha)
        rules.put("Elu", g -> g.dx(0, () -> {
            double alpha = g.attr("alpha", 1f);
            return g.x(0).greater(0).where(g.dy(), g.dy().mul(g.y(0).add(alpha)));
        }));
        // y = x above 0, slope x below (slope broadcast): dx = dy or dy slope, dslope = dy x below 0
        rules.put("PRelu", g -> {
            Value positive = g.x(0).greater(0);
            Value zero = g.dy().scalar(0);
            g.dx(0, () -> g.sumToInput(positive.where(g.dy(), g.dy().mul(g.x(1))), 0));
            g.dx(1, () -> g.sumToInput(positive.where(zero, g.dy().mul(g.x(0))), 1));
        });
    }

    /**
     * Before opset 13, Softmax and LogSoftmax normalize over all axes from {@code axis} on (default 1);
     * from 13 over {@code axis} alone (default -1).
     */
    private static long[] softmaxAxes(NodeGradient g) {
        int rank = g.xType(0).rank();
        if (g.opset() < 13) {
            int axis = g.axis("axis", 1);
            long[] axes = new long[rank - axis];
            for (int a = axis; a < rank; a++) {
                axes[a - axis] = a;
            }
            return axes;
        }
        return new long[] {g.axis("axis", -1)};
    }
}
