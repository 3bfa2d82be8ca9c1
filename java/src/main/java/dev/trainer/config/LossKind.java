package dev.trainer.config;

/** The losses trainer trains with: cross-entropy over logits for classes, squared error for values. */
public enum LossKind implements OptionValue {
    /** Softmax cross-entropy of class logits against integer class labels. */
    CROSS_ENTROPY,
    /** Mean squared error of outputs against float targets. */
    MSE;

    /** {@code cross-entropy} or {@code mse}, the {@code --loss} values. */
    public static LossKind parse(String text) {
        return Specs.constant("--loss", text, values(), LossKind::spec);
    }

    /** Whether the labels are classes (as opposed to regression targets). */
    public boolean classification() {
        return this == CROSS_ENTROPY;
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
