package dev.trainer.data.augment;

import java.util.SplittableRandom;

/**
 * Draws from Beta and Gamma distributions with nothing but a {@link SplittableRandom}, so that a
 * seed fixes every draw. Beta(a, b) is X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); Gamma by
 * Marsaglia and Tsang (2000), "A Simple Method for Generating Gamma Variables".
 */
public final class BetaDistribution {

    private BetaDistribution() {
    }

    /**
     * One draw from Beta(a, b), in [0, 1].
     *
     * @throws IllegalArgumentException unless both shapes are positive and finite
     */
    public static double sample(SplittableRandom random, double a, double b) {
        requireShape(a);
        requireShape(b);
        // in logs: for small shapes both Gamma draws can underflow to 0, and 0 / 0 is no answer
        double logX = logGamma(random, a);
        double logY = logGamma(random, b);
        return 1 / (1 + Math.exp(logY - logX));
    }

    /**
     * One draw from Gamma(shape, 1).
     *
     * @throws IllegalArgumentException unless the shape is positive and finite
     */
    public static double gamma(SplittableRandom random, double shape) {
        requireShape(shape);
        return Math.exp(logGamma(random, shape));
    }

    /** The log of a Gamma(shape, 1) draw. */
    private static double logGamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            // Marsaglia–Tsang's boost: Gamma(a) = Gamma(a + 1) · U^(1/a) for a < 1
            return logGamma(random, shape + 1) + Math.log(1 - random.nextDouble()) / shape;
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1 - random.nextDouble();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return Math.log(d) + Math.log(v);
            }
        }
    }

    private static void requireShape(double shape) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("a Beta or Gamma shape must be positive and finite, got " + shape);
        }
    }
}
