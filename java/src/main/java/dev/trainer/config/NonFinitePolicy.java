package dev.trainer.config;

/** What a step whose loss or gradient is NaN or infinite does ({@code --on-nonfinite}). */
public enum NonFinitePolicy implements OptionValue {
    /**
     * Skip the step (nothing is applied), halve the learning rate from then on, and go back to the
     * last checkpoint if the parameters themselves are no longer finite; stop as diverged after a
     * few such steps.
     */
    SKIP,
    /** Stop the run as diverged at the first one. */
    STOP;

    /** {@code skip} or {@code stop}, the {@code --on-nonfinite} values. */
    public static NonFinitePolicy parse(String text) {
        return Specs.constant("--on-nonfinite", text, values(), NonFinitePolicy::spec);
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
