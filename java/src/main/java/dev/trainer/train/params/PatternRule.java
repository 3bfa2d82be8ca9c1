package dev.trainer.train.params;

import java.util.List;

/** One parsed {@code PATTERN=VALUE} spec of an option; {@code multiplier} for {@code xF} values. */
record PatternRule(String option, String spec, ParameterPattern pattern, double value, boolean multiplier) {

    /**
     * Parses {@code PATTERN=VALUE}, splitting at the last {@code =}.
     *
     * @param multipliers whether {@code xF} values are allowed
     * @param positive    whether the value must be above zero, else at least zero
     */
    static PatternRule parse(String option, String spec, boolean multipliers, boolean positive) {
        int eq = spec.lastIndexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException(option + " '" + spec + "' is not PATTERN=VALUE");
        }
        String text = spec.substring(eq + 1);
        boolean multiplier = multipliers && (text.startsWith("x") || text.startsWith("X"));
        double value = number(option, spec, multiplier ? text.substring(1) : text, positive);
        return new PatternRule(option, spec, Names.pattern(option, spec.substring(0, eq)), value, multiplier);
    }

    /** A finite number, above zero or at least zero. */
    static double number(String option, String spec, String text, boolean positive) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + spec + "': '" + text + "' is not a number");
        }
        if (!Double.isFinite(value) || value < 0 || (positive && value == 0)) {
            throw new IllegalArgumentException(option + " '" + spec + "': the value must be "
                    + (positive ? "above zero" : "zero or more") + ", got " + text);
        }
        return value;
    }

    /** The first rule matching the name, or null. */
    static PatternRule first(List<PatternRule> rules, String name) {
        for (PatternRule r : rules) {
            if (r.pattern().matches(name)) {
                return r;
            }
        }
        return null;
    }
}
