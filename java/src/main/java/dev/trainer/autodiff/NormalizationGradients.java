package dev.trainer.autodiff;

import java.util.Map;

/**
 * BatchNormalization in inference form (running statistics frozen, scale and bias trainable) and
 * LayerNormalization.
 */
final class NormalizationGradients {

    private NormalizationGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        rules.put("LayerNormalization", NormalizationGradients::layerNormalization);
        // y = scale * (x - mean) / sqrt(var + eps) + bias, per channel (axis 1)
        rules.put("BatchNormalization", g -> {
            int rank = g.xType(0).rank();
            long[] spatialAxes = ConvolutionGradients.range(1, rank - 1);
            long[] reduceAxes = ConvolutionGradients.allButChannelAxis(rank);
            Value invStd = g.x(4).add(g.attr("epsilon", 1e-5f)).sqrt().reciprocal();
            Value perChannelInvStd = invStd.unsqueeze(spatialAxes);
            g.dx(0, () -> g.dy().mul(g.x(1).unsqueeze(spatialAxes).mul(perChannelInvStd)));
            // dscale = sum(dy * (x - mean)) * invStd: the per-channel scale after the sum, one pass fewer
            g.dx(1, () -> g.dy().mul(g.x(0).sub(g.x(3).unsqueeze(spatialAxes))).sum(reduceAxes, false).mul(invStd));
            g.dx(2, () -> g.dy().sum(reduceAxes, false));
            for (int stat = 3; stat <= 4; stat++) {
                if (g.needs(stat)) {
                    throw new dev.trainer.ModelException(g.describe()
                            + ": running statistics are not trainable; freeze " + g.node().getInput(stat));
                }
            }
        });
    }

    /**
     * Over the axes from {@code axis} on (N elements): xhat = (x - mean) * inv, inv = 1 / sqrt(var + eps),
     * y = xhat * scale + bias. With g = dy * scale:
     * dx = inv * (g - mean(g) - xhat * mean(g * xhat)), dscale = sum(dy * xhat), dbias = sum(dy),
     * the sums over the axes scale and bias were broadcast along. The optional Mean and InvStdDev
     * outputs add dmean / N - dinv * inv^2 * xhat / N to dx.
     */
    private static void layerNormalization(NodeGradient g) {
        int rank = g.xType(0).rank();
        int axis = g.axis("axis", -1);
        long[] axes = ConvolutionGradients.range(axis, rank);
        long n = 1;
        for (long a : axes) {
            n *= g.staticDims(0, axis)[(int) a];
        }
        double perElement = 1.0 / n;
        Value x = g.x(0);
        Value mean = g.hasOutput(1) ? like(g.y(1), x) : x.sum(axes, true).mul(perElement);
        Value centered = x.sub(mean);
        Value inv = g.hasOutput(2) ? like(g.y(2), x)
                : centered.mul(centered).sum(axes, true).mul(perElement).add(g.attr("epsilon", 1e-5f)).sqrt().reciprocal();
        Value xhat = centered.mul(inv);
        Value dy = g.dy();
        g.dx(0, () -> {
            Value dx = null;
            if (dy != null) {
                Value scaled = dy.mul(g.x(1));
                Value meanScaled = scaled.sum(axes, true).mul(perElement);
                Value meanScaledXhat = scaled.mul(xhat).sum(axes, true).mul(perElement);
                dx = scaled.sub(meanScaled).sub(xhat.mul(meanScaledXhat)).mul(inv);
            }
            if (g.dy(1) != null) {
                dx = plus(dx, like(g.dy(1), x).mul(perElement).expand(g.shapeOf(x)));
            }
            if (g.dy(2) != null) {
                dx = plus(dx, xhat.mul(like(g.dy(2), x).mul(inv).mul(inv).mul(-perElement)));
            }
            return dx;
        });
        if (dy != null) {
            g.dx(1, () -> g.sumToInput(dy.mul(xhat), 1));
            g.dx(2, () -> g.sumToInput(dy, 2));
        } else {
            g.dx(1, () -> g.zerosLike(g.x(1)));
            g.dx(2, () -> g.zerosLike(g.x(2)));
        }
    }

    /** Mean and InvStdDev come in stash_type (float by default); the gradient is in X's type. */
    private static Value like(Value v, Value x) {
        return v.elementType() == x.elementType() ? v : v.cast(x.elementType());
    }

    private static Value plus(Value a, Value b) {
        return a == null ? b : a.add(b);
    }
}
