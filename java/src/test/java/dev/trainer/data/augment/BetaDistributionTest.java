package dev.trainer.data.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class BetaDistributionTest {

    private static final int DRAWS = 200_000;

    /** Mean and variance of many draws. */
    private static double[] moments(long seed, ToDoubleFunction<SplittableRandom> draw) {
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < DRAWS; i++) {
            double x = draw.applyAsDouble(random);
            sum += x;
            squares += x * x;
        }
        double mean = sum / DRAWS;
        return new double[] {mean, squares / DRAWS - mean * mean};
    }

    private static double betaVariance(double a, double b) {
        return a * b / ((a + b) * (a + b) * (a + b + 1));
    }

    // Tolerances are about ten standard errors of the estimates; with the fixed seeds they only
    // catch a wrong formula, never chance.

    @Test
    void symmetricBetaForMixupHasMeanOneHalfAndTheRightVariance() {
        for (double alpha : new double[] {0.2, 0.4, 1.0, 2.0}) {
            double[] m = moments(1, r -> BetaDistribution.sample(r, alpha, alpha));

            assertEquals(0.5, m[0], 0.01, "mean for alpha " + alpha);
            assertEquals(betaVariance(alpha, alpha), m[1], 0.005, "variance for alpha " + alpha);
        }
    }

    @Test
    void asymmetricBetaHasMeanAOverAPlusB() {
        double[] m = moments(2, r -> BetaDistribution.sample(r, 2, 5));

        assertEquals(2.0 / 7, m[0], 0.005);
        assertEquals(betaVariance(2, 5), m[1], 0.002);
    }

    @Test
    void gammaHasMeanAndVarianceEqualToItsShape() {
        for (double shape : new double[] {0.3, 1, 3.5}) {
            double[] m = moments(3, r -> BetaDistribution.gamma(r, shape));

            assertEquals(shape, m[0], 0.03 * Math.max(1, shape), "mean for shape " + shape);
            assertEquals(shape, m[1], 0.1 * Math.max(1, shape), "variance for shape " + shape);
        }
    }

    @Test
    void tinyShapesStayInTheUnitIntervalInsteadOfNaN() {
        SplittableRandom random = new SplittableRandom(4);
        int nearEdge = 0;
        for (int i = 0; i < 10_000; i++) {
            double x = BetaDistribution.sample(random, 0.005, 0.005);
            assertTrue(x >= 0 && x <= 1, "draw " + x);
            nearEdge += x < 1e-6 || x > 1 - 1e-6 ? 1 : 0;
        }
        // Beta(0.005, 0.005) puts nearly all its mass at the two ends
        assertTrue(nearEdge > 9_000, nearEdge + " of 10000 near 0 or 1");
    }

    @Test
    void drawsDependOnlyOnTheSeed() {
        assertEquals(BetaDistribution.sample(new SplittableRandom(9), 0.4, 0.4),
                BetaDistribution.sample(new SplittableRandom(9), 0.4, 0.4));
        assertNotEquals(BetaDistribution.sample(new SplittableRandom(9), 0.4, 0.4),
                BetaDistribution.sample(new SplittableRandom(10), 0.4, 0.4));
        assertThrows(IllegalArgumentException.class, () -> BetaDistribution.sample(new SplittableRandom(1), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> BetaDistribution.gamma(new SplittableRandom(1), Double.NaN));
    }
}
