package dev.trainer.config;

/**
 * A learning rate for the parameters a pattern matches ({@code --lr-group PATTERN=LR}), or a
 * multiplier of their rate ({@code PATTERN=xF}). The spec splits at its last {@code =}; the first
 * matching group wins.
 *
 * @param value      the learning rate, or the factor when {@code multiplier}; above zero
 */
public record LrGroup(ParameterPattern pattern, double value, boolean multiplier) implements OptionValue {

    private static final String OPTION = "--lr-group";

    /** @throws IllegalArgumentException for a value that is not above zero */
    public LrGroup {
        if (pattern == null) {
            throw new IllegalArgumentException(OPTION + " needs a pattern");
        }
        PatternValue.requireRange(OPTION, pattern.text() + "=" + value, Double.toString(value), value, true);
    }

    /**
     * Parses {@code PATTERN=LR} or {@code PATTERN=xF}.
     *
     * @throws IllegalArgumentException naming the option, the spec and the problem
     */
    public static LrGroup parse(String spec) {
        PatternValue parsed = PatternValue.parse(OPTION, spec, true, true);
        return new LrGroup(parsed.pattern(), parsed.value(), parsed.multiplier());
    }

    @Override
    public String spec() {
        return pattern.text() + "=" + (multiplier ? "x" : "") + value;
    }
}
