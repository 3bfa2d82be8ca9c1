package dev.trainer;

import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;

/**
 * The update rules, as PyTorch's {@code torch.optim} defines them, at a learning rate; the rest of
 * each {@link OptimizerConfig} at its defaults (no weight decay, no clipping, momentum 0.9), to be
 * changed with its {@code with...} methods, e.g. {@code Optimizers.adamW(5e-5).withWeightDecay(0.01)}.
 */
public final class Optimizers {

    private Optimizers() {
    }

    /** Plain gradient descent, θ ← θ − lr·g. */
    public static OptimizerConfig sgd(double learningRate) {
        return OptimizerConfig.DEFAULT.with(OptimizerKind.SGD, learningRate);
    }

    /** SGD with momentum (dampening 0). */
    public static OptimizerConfig momentum(double learningRate, double momentum) {
        return OptimizerConfig.DEFAULT.with(OptimizerKind.MOMENTUM, learningRate).withMomentum(momentum, false);
    }

    /** Adam (β = 0.9, 0.999, ε = 1e-8), weight decay added to the gradient. */
    public static OptimizerConfig adam(double learningRate) {
        return OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, learningRate);
    }

    /** AdamW: Adam with decoupled weight decay. */
    public static OptimizerConfig adamW(double learningRate) {
        return OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, learningRate);
    }
}
