package dev.trainer.config;

/** The update rules trainer offers, as PyTorch's {@code torch.optim} defines them. */
public enum OptimizerKind implements OptionValue {
    /** Plain gradient descent, θ ← θ − lr·g. */
    SGD,
    /** SGD with momentum (dampening 0), optionally Nesterov's. */
    MOMENTUM,
    /** Adam (β = 0.9, 0.999, ε = 1e-8), weight decay added to the gradient. */
    ADAM,
    /** AdamW: Adam with decoupled weight decay. */
    ADAMW;

    /** {@code sgd}, {@code momentum}, {@code adam} or {@code adamw}, the {@code --optimizer} values. */
    public static OptimizerKind parse(String text) {
        return Specs.constant("--optimizer", text, values(), OptimizerKind::spec);
    }

    /** Whether the rule keeps Adam's two moments. */
    public boolean adam() {
        return this == ADAM || this == ADAMW;
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
