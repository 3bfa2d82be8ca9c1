package dev.trainer.config;

/** How {@code --normalize} computes per-feature statistics on the training split. */
public enum NormalizeMethod implements OptionValue {
    /** offset = mean, scale = population standard deviation: zero mean, unit variance. */
    STANDARD,
    /** offset = minimum, scale = maximum − minimum: values in [0, 1]. */
    MINMAX;

    /** {@code standard} or {@code minmax}, the {@code --normalize} values. */
    public static NormalizeMethod parse(String text) {
        return Specs.constant("--normalize", text, values(), NormalizeMethod::spec);
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
