package dev.trainer.autodiff;

import java.util.Map;

/** BatchNormalization in inference form: running statistics frozen, scale and bias trainable. */
final class NormalizationGradients {

    private NormalizationGradients() {
    }

    static void register(Map<String, GradientRule> rules) {
        // y = scale * (x - mean) / sqrt(var + eps) + bias, per channel (axis 1)
        rules.put("BatchNormalization", g -> {
            int rank = g.xType(0).rank();
            long[] spatialAxes = ConvolutionGradients.range(1, rank - 1);
            long[] reduceAxes = ConvolutionGradients.allButChannelAxis(rank);
            Value invStd = g.x(4).add(g.attr("epsilon", 1e-5f)).sqrt().reciprocal();
            Value perChannelInvStd = invStd.unsqueeze(spatialAxes);
            g.dx(0, () -> g.dy().mul(g.x(1).unsqueeze(spatialAxes).mul(perChannelInvStd)));
            g.dx(1, () -> {
                Value normalized = g.x(0).sub(g.x(3).unsqueeze(spatialAxes)).mul(perChannelInvStd);
                return g.dy().mul(normalized).sum(reduceAxes, false);
            });
            g.dx(2, () -> g.dy().sum(reduceAxes, false));
            for (int stat = 3; stat <= 4; stat++) {
                if (g.needs(stat)) {
                    throw new dev.trainer.onnx.ModelException(g.describe()
                            + ": running statistics are not trainable; freeze " + g.node().getInput(stat));
                }
            }
        });
    }
}
