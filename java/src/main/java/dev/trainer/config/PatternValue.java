package dev.trainer.config;

/** One {@code PATTERN=VALUE} spec of an option, split at its last {@code =}; {@code multiplier} for {@code xF}. */
record PatternValue(ParameterPattern pattern, double value, boolean multiplier) {

    /**
     * @param multipliers whether {@code xF} values are allowed
     * @param positive    whether the value must be above zero, else at least zero
     */
    static PatternValue parse(String option, String spec, boolean multipliers, boolean positive) {
        int eq = spec.lastIndexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException(option + " '" + spec + "' is not PATTERN=VALUE");
        }
        String text = spec.substring(eq + 1);
        boolean multiplier = multipliers && (text.startsWith("x") || text.startsWith("X"));
        String number = multiplier ? text.substring(1) : text;
        double value = Specs.number(option, spec, number);
        requireRange(option, spec, number, value, positive);
        return new PatternValue(ParameterPattern.parse(option, spec.substring(0, eq)), value, multiplier);
    }

    static void requireRange(String option, String spec, String text, double value, boolean positive) {
        if (!Double.isFinite(value) || value < 0 || (positive && value == 0)) {
            throw new IllegalArgumentException(option + " '" + spec + "': the value must be "
                    + (positive ? "above zero" : "zero or more") + ", got " + text);
        }
    }
}
