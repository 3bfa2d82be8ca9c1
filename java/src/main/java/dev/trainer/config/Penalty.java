package dev.trainer.config;

/**
 * An L1 or L2 penalty weight ({@code --l1}, {@code --l2}): {@code X} for every parameter, or
 * {@code PATTERN=X} for the matching ones, overriding the plain value; the first matching
 * pattern wins.
 *
 * @param pattern the parameters it applies to, or {@code null} for all
 * @param value   the weight, zero or more
 */
public record Penalty(ParameterPattern pattern, double value) implements OptionValue {

    /** @throws IllegalArgumentException for a negative or non-finite weight */
    public Penalty {
        PatternValue.requireRange("penalty", Double.toString(value), Double.toString(value), value, false);
    }

    /**
     * Parses {@code X} or {@code PATTERN=X} for the named option ({@code --l1} or {@code --l2}).
     *
     * @throws IllegalArgumentException naming the option, the spec and the problem
     */
    public static Penalty parse(String option, String spec) {
        if (!spec.contains("=")) {
            double value = Specs.number(option, spec, spec);
            PatternValue.requireRange(option, spec, spec, value, false);
            return new Penalty(null, value);
        }
        PatternValue parsed = PatternValue.parse(option, spec, false, false);
        return new Penalty(parsed.pattern(), parsed.value());
    }

    /** Whether it applies to every parameter. */
    public boolean plain() {
        return pattern == null;
    }

    @Override
    public String spec() {
        return (pattern == null ? "" : pattern.text() + "=") + value;
    }
}
