package dev.trainer.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** When a finite loss counts as diverged, and where the divergence set in. */
class DivergenceGuardTest {

    /** The demo's first losses with {@code --lr 1e6}: 1.7 at the starting parameters, then blown up from step 2 on. */
    private static final double[] LR_1E6 = {1.706, 7.06e14, 6.94e14, 2.94e14, 8.17e13, 2.25e13, 1.46e13, 2.44e12,
            6.03e11, 3.67e12, 4.77e11};

    @Test
    void aLossBlownUpFromTheSecondStepDivergesOnceFiveStepsAreSeen() {
        DivergenceGuard guard = new DivergenceGuard();
        int step = 0;
        while (!guard.diverged(LR_1E6[step], step + 1)) {
            step++;
            assertTrue(step < LR_1E6.length, "never diverged");
        }
        assertEquals(5, step + 1, "diverged at the first median of five");
        assertEquals(1.706, guard.reference(), "the blown-up losses are not the reference");
        assertEquals(1, guard.earlyCount());
        assertEquals(2, guard.onset(), "the parameters of step 2 on are suspect");
    }

    @Test
    void aLossGrowingLaterDivergesAgainstTheEarlyMedian() {
        DivergenceGuard guard = new DivergenceGuard();
        long step = 0;
        for (; step < 20; step++) {
            assertFalse(guard.diverged(2.0 - 0.05 * step, step + 1));
        }
        double loss = 1.0;
        while (!guard.diverged(loss, ++step)) {
            loss *= 3;
            assertTrue(step < 60, "never diverged");
        }
        assertTrue(guard.recentMedian() > DivergenceGuard.FACTOR * guard.reference());
        assertEquals(DivergenceGuard.EARLY, guard.earlyCount());
        assertTrue(guard.onset() > 20 && guard.onset() <= step, "the excursion began after the healthy steps: " + guard.onset());
    }

    /** Noisy batches, a few far above the rest, and a loss that falls by orders of magnitude: never divergence. */
    @Test
    void aHealthyNoisyRunWithLoneSpikesDoesNotDiverge() {
        DivergenceGuard guard = new DivergenceGuard();
        SplittableRandom random = new SplittableRandom(7);
        for (int step = 1; step <= 2000; step++) {
            double loss = 2.3 * Math.exp(-step / 200.0) * (0.5 + random.nextDouble());
            if (step % 97 == 0) {
                loss *= 500;
            }
            assertFalse(guard.diverged(loss, step), "step " + step);
        }
        assertFalse(guard.diverged(Double.NaN, 2001), "a non-finite loss is the loop's other check");
    }

    @Test
    void itsStateRestoresExactly() {
        DivergenceGuard guard = new DivergenceGuard();
        for (int step = 1; step <= 12; step++) {
            guard.diverged(1.0 / step, step);
        }
        DivergenceGuard copy = new DivergenceGuard();
        copy.restore(guard.state());
        for (int step = 13; step <= 30; step++) {
            double loss = Math.pow(4, step - 12);
            assertEquals(guard.diverged(loss, step), copy.diverged(loss, step));
            assertEquals(guard.state(), copy.state());
        }
    }
}
