package dev.trainer.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Reading the small grammars of option values: names, numbers, and the errors that name the option. */
final class Specs {

    private Specs() {
    }

    /** The enum constant whose {@code spec} is {@code text} (case and surrounding blanks ignored). */
    static <E extends Enum<E>> E constant(String option, String text, E[] values, Function<E, String> spec) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values).filter(v -> spec.apply(v).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(option + " '" + text + "': unknown value; use "
                        + either(Arrays.stream(values).map(spec).toList())));
    }

    /** {@code a}, {@code a or b}, {@code a, b or c}. */
    static String either(List<String> choices) {
        return choices.size() == 1 ? choices.getFirst()
                : String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.getLast();
    }

    /** Lower case, underscores as hyphens: how option values spell enum constants. */
    static String lowerHyphenated(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A finite number, or an error naming what it should have been. */
    static double number(String option, String spec, String text) {
        try {
            double value = Double.parseDouble(text.strip());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + spec + "': '" + text.strip() + "' is not a number");
    }

    /** A number's shortest exact form: {@code 0.1}, {@code 1.0E-5}, and integers without {@code .0}. */
    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
