package dev.trainer.config;

import java.util.Arrays;
import java.util.Locale;

/** A spec split at its colons: the schedule's name and its parameters, named for messages. */
final class SpecParts {

    final String name;
    private final String[] values;
    private String[] names = {};

    SpecParts(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no schedule given");
        }
        String[] split = spec.strip().split(":", -1);
        name = split[0].toLowerCase(Locale.ROOT);
        values = Arrays.copyOfRange(split, 1, split.length);
    }

    /** Requires at least {@code required} and at most {@code parameterNames.length} parameters. */
    void expect(int required, String... parameterNames) {
        names = parameterNames;
        if (values.length < required) {
            throw new IllegalArgumentException(name + " needs " + parameterNames[values.length]);
        }
        if (values.length > parameterNames.length) {
            throw new IllegalArgumentException(name + " takes "
                    + (parameterNames.length == 0 ? "no parameters" : "at most " + String.join(", ", parameterNames))
                    + ", not " + values.length + " parameters");
        }
    }

    int count() {
        return values.length;
    }

    double number(int index, double otherwise) {
        if (index >= values.length) {
            return otherwise;
        }
        try {
            double value = Double.parseDouble(values[index].strip());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the parameter's name
        }
        throw new IllegalArgumentException(names[index] + " \"" + values[index] + "\" is not a number");
    }

    long wholeNumber(int index) {
        try {
            return Long.parseLong(values[index].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(names[index] + " \"" + values[index] + "\" is not a whole number");
        }
    }
}
