package dev.trainer.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A rule for per-class loss weights ({@code --class-weights}), applied to the training split's
 * class counts once the data is read.
 *
 * <p>Spec grammar (case-insensitive keywords):
 * <pre>
 *   auto             n_samples / (n_present * count_c)        scikit-learn's "balanced"
 *   inverse          1 / count_c, scaled to mean 1 over the present classes
 *   effective:BETA   (1 - BETA) / (1 - BETA^count_c), scaled to sum to n_present;
 *                    0 &lt;= BETA &lt; 1 (Cui et al. 2019, "Class-Balanced Loss Based on
 *                    Effective Number of Samples")
 *   W0,W1,...        explicit weights, one per class, finite and &gt;= 0, not all 0
 * </pre>
 * n_present is the number of classes with at least one sample. A class without samples gets
 * weight 0 from the computed rules: no sample ever carries it, and leaving it out of the
 * normalization keeps the other weights what they would be without it. Explicit weights are
 * taken as given, absent classes included, since the user chose them; their count must equal
 * the number of classes.
 */
public sealed interface ClassWeights extends OptionValue {

    /** scikit-learn's "balanced": {@code n_samples / (n_present * count_c)}. */
    record Auto() implements ClassWeights {
        @Override
        public String spec() {
            return "auto";
        }
    }

    /** {@code 1 / count_c}, scaled to mean 1 over the present classes. */
    record Inverse() implements ClassWeights {
        @Override
        public String spec() {
            return "inverse";
        }
    }

    /** The effective number of samples with parameter {@code beta} in [0, 1). */
    record Effective(double beta) implements ClassWeights {
        /** @throws IllegalArgumentException for a beta outside [0, 1) */
        public Effective {
            if (!(beta >= 0 && beta < 1)) {
                throw error("effective:" + beta, "beta must be in [0, 1), got " + Specs.format(beta));
            }
        }

        @Override
        public String spec() {
            return "effective:" + beta;
        }
    }

    /** One weight per class, as given. */
    record Explicit(List<Double> weights) implements ClassWeights {
        /** @throws IllegalArgumentException for a negative or non-finite weight, or none positive */
        public Explicit {
            weights = List.copyOf(weights);
            String spec = weights.stream().map(Specs::format).collect(Collectors.joining(","));
            boolean anyPositive = false;
            for (int c = 0; c < weights.size(); c++) {
                double w = weights.get(c);
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw error(spec, "weight of class " + c + " must be finite and >= 0, got " + w);
                }
                anyPositive |= w > 0;
            }
            if (!anyPositive) {
                throw error(spec, "at least one weight must be positive");
            }
        }

        @Override
        public String spec() {
            return weights.stream().map(Specs::format).collect(Collectors.joining(","));
        }
    }

    /**
     * Parses a spec (grammar in the interface comment).
     *
     * @throws IllegalArgumentException with a one-line message naming the spec and the problem
     */
    static ClassWeights parse(String spec) {
        String s = spec.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            return new Auto();
        }
        if (lower.equals("inverse")) {
            return new Inverse();
        }
        if (lower.startsWith("effective")) {
            if (!lower.startsWith("effective:")) {
                throw error(spec, "effective needs its beta, e.g. effective:0.99");
            }
            String text = s.substring("effective:".length()).strip();
            double beta = number(spec, text);
            if (!(beta >= 0 && beta < 1)) {
                throw error(spec, "beta must be in [0, 1), got " + text);
            }
            return new Effective(beta);
        }
        if (s.isEmpty() || !(Character.isDigit(s.charAt(0)) || s.charAt(0) == '.' || s.charAt(0) == '-'
                || s.charAt(0) == '+')) {
            throw error(spec, "unknown rule; use auto, inverse, effective:BETA or a list W0,W1,...");
        }
        return new Explicit(Arrays.stream(s.split(",", -1)).map(w -> number(spec, w)).toList());
    }

    /**
     * The weight of each class given the training split's class counts, index = class.
     *
     * @throws IllegalArgumentException when an explicit list's length differs from the class
     *                                  count, or no class has samples
     */
    default double[] weights(int[] counts) {
        if (this instanceof Explicit(List<Double> explicit)) {
            if (explicit.size() != counts.length) {
                throw error(spec(), explicit.size() + " weights for " + counts.length + " classes");
            }
            return explicit.stream().mapToDouble(Double::doubleValue).toArray();
        }
        int present = (int) Arrays.stream(counts).filter(c -> c > 0).count();
        if (present == 0) {
            throw error(spec(), "no class has samples to weight");
        }
        long total = Arrays.stream(counts).asLongStream().sum();
        double[] weights = new double[counts.length];
        double sum = 0;
        for (int c = 0; c < counts.length; c++) {
            int count = counts[c];
            if (count > 0) {
                weights[c] = switch (this) {
                    case Auto a -> (double) total / ((double) present * count);
                    case Inverse i -> 1.0 / count;
                    // 1 - beta^count underflows to nothing but 1 for large counts, which is the limit anyway
                    case Effective(double beta) -> (1 - beta) / (1 - Math.pow(beta, count));
                    case Explicit e -> throw new AssertionError();
                };
                sum += weights[c];
            }
        }
        // Auto is normalized by construction; Inverse to mean 1 and Effective to sum n_present
        // over the present classes, which is the same scaling.
        if (!(this instanceof Auto)) {
            for (int c = 0; c < counts.length; c++) {
                weights[c] *= present / sum;
            }
        }
        return weights;
    }

    private static double number(String spec, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw error(spec, "'" + text.strip() + "' is not a number");
        }
    }

    private static IllegalArgumentException error(String spec, String problem) {
        return new IllegalArgumentException("--class-weights '" + spec + "': " + problem);
    }
}
