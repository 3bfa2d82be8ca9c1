package dev.trainer.autodiff;

/** How far one gradient tensor is from another, as the tests that compare whole gradients judge it. */
public final class GradientDistance {

    private GradientDistance() {
    }

    /** ‖actual − expected‖ / ‖expected‖ (Euclidean, in double). */
    public static double relative(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " values against " + expected.length);
        }
        double difference = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow(actual[i] - (double) expected[i], 2);
        }
        return Math.sqrt(difference) / Math.max(norm(expected), 1e-300);
    }

    /** ‖v‖ (Euclidean, in double). */
    public static double norm(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * (double) x;
        }
        return Math.sqrt(n);
    }
}
