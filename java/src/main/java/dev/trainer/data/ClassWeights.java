package dev.trainer.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * A rule for per-class loss weights, parsed from a spec and applied to a
 * {@link ClassDistribution} once the training data is read. Immutable.
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
public final class ClassWeights {

    private enum Rule { AUTO, INVERSE, EFFECTIVE, EXPLICIT }

    private static final String GRAMMAR = "use auto, inverse, effective:BETA or a list W0,W1,...";

    private final String spec;
    private final Rule rule;
    private final double beta;
    private final double[] explicit;

    private ClassWeights(String spec, Rule rule, double beta, double[] explicit) {
        this.spec = spec;
        this.rule = rule;
        this.beta = beta;
        this.explicit = explicit;
    }

    /**
     * Parses a spec (grammar in the class comment).
     *
     * @throws IllegalArgumentException with a one-line message naming the spec and the problem
     */
    public static ClassWeights parse(String spec) {
        String s = spec.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            return new ClassWeights(s, Rule.AUTO, 0, null);
        }
        if (lower.equals("inverse")) {
            return new ClassWeights(s, Rule.INVERSE, 0, null);
        }
        if (lower.startsWith("effective")) {
            if (!lower.startsWith("effective:")) {
                throw error(spec, "effective needs its beta, e.g. effective:0.99");
            }
            double beta = number(spec, s.substring("effective:".length()));
            if (!(beta >= 0 && beta < 1)) {
                throw error(spec, "beta must be in [0, 1), got " + s.substring("effective:".length()).strip());
            }
            return new ClassWeights(s, Rule.EFFECTIVE, beta, null);
        }
        if (s.isEmpty() || !(Character.isDigit(s.charAt(0)) || s.charAt(0) == '.' || s.charAt(0) == '-'
                || s.charAt(0) == '+')) {
            throw error(spec, "unknown rule; " + GRAMMAR);
        }
        double[] weights = Arrays.stream(s.split(",", -1)).mapToDouble(w -> number(spec, w)).toArray();
        boolean anyPositive = false;
        for (int c = 0; c < weights.length; c++) {
            if (!(weights[c] >= 0) || Double.isInfinite(weights[c])) {
                throw error(spec, "weight of class " + c + " must be finite and >= 0, got " + weights[c]);
            }
            anyPositive |= weights[c] > 0;
        }
        if (!anyPositive) {
            throw error(spec, "at least one weight must be positive");
        }
        return new ClassWeights(s, Rule.EXPLICIT, 0, weights);
    }

    /**
     * The weight of each class of {@code distribution}, index = class.
     *
     * @throws IllegalArgumentException when an explicit list's length differs from the class
     *                                  count, or no class has samples
     */
    public double[] weights(ClassDistribution distribution) {
        int n = distribution.numClasses();
        if (rule == Rule.EXPLICIT) {
            if (explicit.length != n) {
                throw error(spec, explicit.length + " weights for " + n + " classes");
            }
            return explicit.clone();
        }
        int present = distribution.presentClasses();
        if (present == 0) {
            throw error(spec, "no class has samples to weight");
        }
        double[] weights = new double[n];
        double sum = 0;
        for (int c = 0; c < n; c++) {
            int count = distribution.count(c);
            if (count > 0) {
                weights[c] = switch (rule) {
                    case AUTO -> (double) distribution.total() / ((double) present * count);
                    case INVERSE -> 1.0 / count;
                    // 1 - beta^count underflows to nothing but 1 for large counts, which is the limit anyway
                    case EFFECTIVE -> (1 - beta) / (1 - Math.pow(beta, count));
                    case EXPLICIT -> throw new AssertionError();
                };
                sum += weights[c];
            }
        }
        // AUTO is normalized by construction; INVERSE to mean 1 and EFFECTIVE to sum n_present
        // over the present classes, which is the same scaling.
        if (rule != Rule.AUTO) {
            for (int c = 0; c < n; c++) {
                weights[c] *= present / sum;
            }
        }
        return weights;
    }

    /** The spec as given, stripped, e.g. for run.json. */
    @Override
    public String toString() {
        return spec;
    }

    private static double number(String spec, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw error(spec, "'" + text.strip() + "' is not a number");
        }
    }

    private static IllegalArgumentException error(String spec, String problem) {
        return new IllegalArgumentException("class weights '" + spec + "': " + problem);
    }
}
