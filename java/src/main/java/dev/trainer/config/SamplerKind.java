package dev.trainer.config;

/** How {@code --sampler} draws an epoch's batches so that the classes weigh equally. */
public enum SamplerKind implements OptionValue {
    /** With replacement, every class equally likely (PyTorch's WeightedRandomSampler with 1/count weights). */
    BALANCED,
    /** Every class brought up to the largest class's count. */
    OVERSAMPLE,
    /** Every class cut down to the smallest class's count, drawn anew each epoch. */
    UNDERSAMPLE;

    /** {@code balanced}, {@code oversample} or {@code undersample}, the {@code --sampler} values. */
    public static SamplerKind parse(String text) {
        return Specs.constant("--sampler", text, values(), SamplerKind::spec);
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
