package dev.trainer.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.trainer.onnx.Attributes;
import java.util.List;
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
        // y = scale * (x - mean) / sqrt(var + eps) + bias, per channel (axis 1): dx = dy * scale / sqrt(var + eps),
        // dscale = sum(dy * xhat), dbias = sum(dy). The per-channel products are BatchNormalization
        // nodes themselves: ORT's broadcasting Mul and Sub against [C, 1, 1] go one window row at a
        // time, about 3x slower at the 2x2 and 4x4 maps of a CNN's last stages (OpFormsBenchmark).
        rules.put("BatchNormalization", g -> {
            long[] reduceAxes = ConvolutionGradients.allButChannelAxis(g.xType(0).rank());
            int channels = (int) g.staticDims(1, 0)[0];
            Value zeros = g.builder().constant(g.x(1).elementType(), new long[] {channels}, new double[channels]);
            Value ones = g.builder().ones(g.x(1).elementType(), new long[] {channels});
            AttributeProto epsilon = Attributes.ofFloat("epsilon", g.attr("epsilon", 1e-5f));
            g.dx(0, () -> g.builder().op("BatchNormalization", List.of(g.dy(), g.x(1), zeros, zeros, g.x(4)), epsilon));
            g.dx(1, () -> g.dy().mul(g.builder().op("BatchNormalization", List.of(g.x(0), ones, zeros, g.x(3), g.x(4)), epsilon))
                    .sum(reduceAxes, false));
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
