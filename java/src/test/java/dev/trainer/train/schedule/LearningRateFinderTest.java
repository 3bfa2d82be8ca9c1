package dev.trainer.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.plot.Pixels;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningRateFinderTest {

    @TempDir
    Path tmp;

    /**
     * The curve a range test typically shows: flat while the rate is too small to matter, a fall
     * that is steepest at lr = 1e-3, a floor, and a blow-up past lr = 0.1; with 5% noise.
     */
    private static LearningRateFinder.TrainStep typicalCurve(long seed) {
        Random noise = new Random(seed);
        return lr -> {
            double x = Math.log10(lr);
            double fall = 0.4 + 1.9 / (1 + Math.exp(3 * (x + 3)));
            return fall * Math.exp(8 * Math.max(0, x + 1)) * (1 + 0.05 * noise.nextGaussian());
        };
    }

    @Test
    void suggestsTheDecadeWhereTheLossFallsAndStopsWhenItBlowsUp() {
        for (long seed = 0; seed < 5; seed++) {
            var result = new LearningRateFinder().run(typicalCurve(seed));
            // The smoothing lags the raw curve by a fraction of a decade, so the steepest smoothed
            // fall lies a little above the raw one at 1e-3, still well below the blow-up.
            assertTrue(result.suggestedLr() >= 1e-3 && result.suggestedLr() < 1e-2, result.reasoning());
            assertEquals(result.steepestLr(), result.suggestedLr());
            assertTrue(result.steepestSlope() < 0);
            assertTrue(result.stoppedEarly(), result.reasoning());
            assertTrue(result.points().size() < 100);
            var last = result.points().getLast();
            assertTrue(last.lr() > 0.1 && last.lr() < 10, "blew up past 0.1: " + last);
            assertTrue(result.minLossLr() > 1e-2 && result.minLossLr() < 1, result.reasoning());
            assertTrue(result.reasoning().contains("loss fell fastest around lr=" + LearningRateFinder.rate(result.steepestLr())),
                    result.reasoning());
            assertTrue(result.reasoning().contains("stopped early: the smoothed loss"), result.reasoning());
        }
    }

    /**
     * A real optimisation: gradient descent on a noisy quadratic whose curvatures run from 0.1 to
     * 100, which diverges for rates above 2/100. The suggestion must be a rate that trains.
     */
    @Test
    void suggestsAStableRateForGradientDescentOnAQuadratic() {
        Random noise = new Random(7);
        double[] curvature = new double[20];
        double[] w = new double[20];
        for (int i = 0; i < w.length; i++) {
            curvature[i] = Math.pow(10, -1 + 3.0 * i / (w.length - 1));
            w[i] = 1;
        }
        var result = new LearningRateFinder().run(lr -> {
            double loss = 0;
            for (int i = 0; i < w.length; i++) {
                loss += 0.5 * curvature[i] * w[i] * w[i];
                w[i] -= lr * (curvature[i] * w[i] + 0.01 * noise.nextGaussian());
            }
            return loss;
        });
        assertTrue(result.suggestedLr() > 1e-3 && result.suggestedLr() < 2.0 / 100, result.reasoning());
        assertTrue(result.stoppedEarly());
    }

    /**
     * A gentle fall around lr = 1e-5, then an overshoot past lr = 0.1 that the smoothed loss
     * survives (under four times its best), then a steep fall as the model recovers, as a ReLU
     * network does once its units die. The fall after the minimum is no rate to train at: the
     * suggestion stays with the fall before it.
     */
    @Test
    void ignoresTheRecoveryAfterAnOvershoot() {
        var result = new LearningRateFinder().run(lr -> {
            double x = Math.log10(lr);
            double fall = 0.5 + 0.6 / (1 + Math.exp(3 * (x + 5)));
            double hump = x < -1 ? 0 : x < 0 ? Math.min(3, 9 * (x + 1)) : Math.max(0.2, 3 - 9 * x);
            return fall + hump;
        });
        assertFalse(result.stoppedEarly(), result.reasoning());
        assertTrue(result.minLossLr() > 1e-2 && result.minLossLr() < 1, result.reasoning());
        assertTrue(result.steepestLr() < result.minLossLr(), result.reasoning());
        assertTrue(result.suggestedLr() > 1e-6 && result.suggestedLr() < 1e-3, result.reasoning());
    }

    @Test
    void stopsAtANonFiniteLossAndLeavesItOut() {
        var result = new LearningRateFinder(1e-6, 1, 50).run(lr -> lr > 0.01 ? Double.NaN : 1 - lr);
        assertTrue(result.stopReason().startsWith("the loss became NaN at lr="), result.stopReason());
        assertTrue(result.points().stream().allMatch(p -> Double.isFinite(p.smoothedLoss()) && p.lr() <= 0.01));
    }

    @Test
    void suggestsATenthOfTheMinimumWhenTheLossNeverFalls() {
        var result = new LearningRateFinder(1e-5, 1e-1, 40).run(lr -> 1 + lr);
        assertFalse(result.stoppedEarly());
        assertEquals(40, result.points().size());
        assertTrue(Double.isNaN(result.steepestLr()));
        assertEquals(result.minLossLr() / 10, result.suggestedLr());
        assertTrue(result.reasoning().contains("never fell"), result.reasoning());
    }

    @Test
    void smoothsWithABiasCorrectedAverage() {
        double[] losses = {4, 2, 3};
        int[] call = {0};
        var result = new LearningRateFinder(1e-3, 1, 10).run(lr -> losses[Math.min(call[0]++, 2)]);
        assertEquals(4, result.points().get(0).smoothedLoss(), 1e-12);
        double second = (0.98 * 0.02 * 4 + 0.02 * 2) / (1 - 0.98 * 0.98);
        assertEquals(second, result.points().get(1).smoothedLoss(), 1e-12);
        assertEquals(1e-3 * Math.pow(1000, 1.0 / 9), result.points().get(1).lr(), 1e-15);
        assertEquals(1.0, result.points().getLast().lr(), 1e-12);
    }

    @Test
    void tooFewPointsGiveNoSuggestion() {
        var result = new LearningRateFinder().run(lr -> Double.POSITIVE_INFINITY);
        assertTrue(result.points().isEmpty());
        assertTrue(Double.isNaN(result.suggestedLr()));
        assertTrue(result.reasoning().contains("no suggestion"), result.reasoning());
    }

    @Test
    void rejectsABadRange() {
        assertThrows(IllegalArgumentException.class, () -> new LearningRateFinder(0, 1, 100));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateFinder(1, 0.1, 100));
        assertThrows(IllegalArgumentException.class, () -> new LearningRateFinder(1e-7, 10, 5));
    }

    @Test
    void plotsTheCurveWithTheSuggestionMarked() throws Exception {
        var result = new LearningRateFinder().run(typicalCurve(1));
        Path png = tmp.resolve("lr_find.png");
        result.plot().writePng(png, 900, 560);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
        assertTrue(Pixels.count(image, Pixels::isReddish) > 100, "the suggestion's marker is drawn");
    }
}
