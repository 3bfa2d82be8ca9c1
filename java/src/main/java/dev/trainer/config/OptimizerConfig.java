package dev.trainer.config;

import java.util.List;

/**
 * The update rule and its settings.
 *
 * @param kind         sgd, momentum, adam or adamw ({@code --optimizer})
 * @param learningRate the base learning rate ({@code --lr}); schedules and groups scale it
 * @param momentum     SGD's momentum for {@code momentum} ({@code --momentum}), in [0, 1)
 * @param nesterov     Nesterov's momentum for {@code momentum} ({@code --nesterov})
 * @param weightDecay  weight decay, L2 in the gradient for sgd and adam, decoupled for adamw ({@code --weight-decay})
 * @param maxGradNorm  clip the global gradient norm to this ({@code --max-grad-norm}); 0 for no clipping
 * @param lrGroups     per-parameter-group learning rates ({@code --lr-group}), the first match winning
 * @param layerDecay   layer-wise learning-rate decay per layer group below the top ({@code --layer-decay}), in (0, 1]
 */
public record OptimizerConfig(OptimizerKind kind, double learningRate, double momentum, boolean nesterov,
                              double weightDecay, double maxGradNorm, List<LrGroup> lrGroups, double layerDecay) {

    /** PyTorch's Adam at lr 0.001, no decay, no clipping. */
    public static final OptimizerConfig DEFAULT = new OptimizerConfig(OptimizerKind.ADAM, 0.001, 0.9, false, 0, 0,
            List.of(), 1);

    /** @throws IllegalArgumentException for a value out of range, or Nesterov without momentum */
    public OptimizerConfig {
        if (kind == null) {
            throw new IllegalArgumentException("--optimizer must be sgd, momentum, adam or adamw");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("--max-grad-norm must be a finite number >= 0 (0: no clipping), got "
                    + maxGradNorm);
        }
        if (!(layerDecay > 0 && layerDecay <= 1)) {
            throw new IllegalArgumentException("--layer-decay must be in (0, 1], got " + layerDecay);
        }
        if (nesterov && (kind != OptimizerKind.MOMENTUM || momentum == 0)) {
            throw new IllegalArgumentException("--nesterov needs --optimizer momentum with a --momentum above 0");
        }
        lrGroups = List.copyOf(lrGroups);
    }

    /** The same settings with another kind and learning rate. */
    public OptimizerConfig with(OptimizerKind newKind, double newLearningRate) {
        return new OptimizerConfig(newKind, newLearningRate, momentum, nesterov, weightDecay, maxGradNorm, lrGroups,
                layerDecay);
    }

    /** The same settings with this weight decay. */
    public OptimizerConfig withWeightDecay(double decay) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, decay, maxGradNorm, lrGroups, layerDecay);
    }

    /** The same settings, clipping the global gradient norm to {@code norm}. */
    public OptimizerConfig withMaxGradNorm(double norm) {
        return new OptimizerConfig(kind, learningRate, momentum, nesterov, weightDecay, norm, lrGroups, layerDecay);
    }

    /** The same settings with this momentum, Nesterov's or not (for {@link OptimizerKind#MOMENTUM}). */
    public OptimizerConfig withMomentum(double newMomentum, boolean useNesterov) {
        return new OptimizerConfig(kind, learningRate, newMomentum, useNesterov, weightDecay, maxGradNorm, lrGroups,
                layerDecay);
    }
}
