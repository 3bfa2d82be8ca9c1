package dev.trainer.train.schedule;

import static dev.trainer.train.schedule.PyTorchSchedulesTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Each schedule at chosen steps against its closed form, worked out here independently. */
class SchedulesTest {

    @Test
    void constantIsExactlyTheBaseRate() {
        double lr = 0.0123456789;
        LearningRateSchedule schedule = new ConstantSchedule(lr);
        for (long step : new long[] {0, 1, 7, 1_000_000, Long.MAX_VALUE}) {
            assertEquals(lr, schedule.learningRate(step));
        }
        schedule.observe(3.0);
        assertEquals(lr, schedule.learningRate(5));
    }

    @Test
    void stepDecayDropsByGammaEveryStepSize() {
        var schedule = new StepDecaySchedule(1.0, 10, 0.5);
        assertEquals(1.0, schedule.learningRate(0));
        assertEquals(1.0, schedule.learningRate(9));
        assertEquals(0.5, schedule.learningRate(10));
        assertEquals(0.25, schedule.learningRate(29));
        assertEquals(0.125, schedule.learningRate(30));
    }

    @Test
    void exponentialMultipliesByGammaEachStep() {
        var schedule = new ExponentialSchedule(0.2, 0.9);
        assertEquals(0.2, schedule.learningRate(0));
        assertClose(0.2 * 0.9 * 0.9 * 0.9, schedule.learningRate(3), "step 3");
    }

    @Test
    void cosineRunsFromBaseToMinAndStaysThere() {
        var schedule = new CosineSchedule(0.1, 0.01, 100);
        assertEquals(0.1, schedule.learningRate(0));
        assertClose(0.055, schedule.learningRate(50), "halfway");
        assertClose(0.01 + 0.09 * (1 + Math.cos(Math.PI * 0.25)) / 2, schedule.learningRate(25), "a quarter");
        assertEquals(0.01, schedule.learningRate(100));
        assertEquals(0.01, schedule.learningRate(1000));
    }

    @Test
    void cosineRestartsRestartsWithGrowingPeriods() {
        var schedule = new CosineRestartsSchedule(1.0, 0.0, 4, 3);
        // Periods of 4, 12, 36 steps start at steps 0, 4, 16.
        for (long start : new long[] {0, 4, 16, 52}) {
            assertEquals(1.0, schedule.learningRate(start), "restart at " + start);
        }
        assertClose(0.5, schedule.learningRate(2), "half of the first period");
        assertClose(0.5, schedule.learningRate(4 + 6), "half of the second");
        assertClose((1 + Math.cos(Math.PI * 35 / 36)) / 2, schedule.learningRate(51), "end of the third");
        assertEquals(1.0, new CosineRestartsSchedule(1.0, 0.0, 5, 1).learningRate(5_000_000_000L));
    }

    @Test
    void oneCyclePeaksAtMaxAfterPctStartAndEndsAtTheFloor() {
        var schedule = new OneCycleSchedule(1.0, 1001);
        // Phase one ends at step 0.3·1001 − 1 = 299.3, phase two at step 1000.
        assertClose(1.0 / 25, schedule.learningRate(0), "start");
        double peak = 0.3 * 1001 - 1;
        assertClose(1.0 + (0.04 - 1.0) / 2 * (1 + Math.cos(Math.PI * 299 / peak)), schedule.learningRate(299), "before the peak");
        double min = 0.04 / 1e4;
        assertClose(min + (1.0 - min) / 2 * (1 + Math.cos(Math.PI * (300 - peak) / (1000 - peak))), schedule.learningRate(300), "after");
        assertClose(min, schedule.learningRate(1000), "last step");
        assertClose(min, schedule.learningRate(5000), "past the end");
    }

    @Test
    void oneCycleWithAnEmptyFirstPhaseStartsAtTheTop() {
        var schedule = new OneCycleSchedule(1.0, 2, 0.5, 25, 1e4);
        assertEquals(1.0, schedule.learningRate(0));
        assertClose(1.0 / 25 / 1e4, schedule.learningRate(1), "last step");
    }

    @Test
    void plateauReducesAfterPatienceRunsOutAndStopsAtTheFloor() {
        var schedule = new ReduceOnPlateauSchedule(1.0, 0.5, 1, 0.3, 0, true);
        schedule.observe(2.0);
        schedule.observe(2.0);
        assertEquals(1.0, schedule.learningRate(0), "one result without improvement is within patience");
        schedule.observe(2.0);
        assertEquals(0.5, schedule.learningRate(0));
        schedule.observe(1.0);
        schedule.observe(Double.NaN);
        assertEquals(0.5, schedule.learningRate(0), "an improvement resets the count");
        schedule.observe(Double.NaN);
        assertEquals(0.3, schedule.learningRate(0), "NaN is no improvement; the floor holds");
        schedule.observe(5);
        schedule.observe(5);
        assertEquals(0.3, schedule.learningRate(0));
    }

    @Test
    void plateauForHigherIsBetterMetrics() {
        var schedule = new ReduceOnPlateauSchedule(1.0, 0.1, 0, 0, 1e-4, false);
        schedule.observe(0.5);
        schedule.observe(0.6);
        assertEquals(1.0, schedule.learningRate(0));
        schedule.observe(0.59);
        assertClose(0.1, schedule.learningRate(0), "accuracy fell");
    }

    @Test
    void warmUpRampsToTheScheduleThenHandsOver() {
        var cosine = new CosineSchedule(0.1, 0, 90);
        var schedule = new WarmupSchedule(cosine, 9);
        assertClose(0.01, schedule.learningRate(0), "first warm-up step");
        assertClose(0.05, schedule.learningRate(4), "halfway");
        assertClose(0.09, schedule.learningRate(8), "last warm-up step");
        assertEquals(0.1, schedule.learningRate(9));
        for (long step = 9; step < 100; step++) {
            assertEquals(cosine.learningRate(step - 9), schedule.learningRate(step), "step " + step);
        }
    }

    @Test
    void warmUpPassesObservationsOnAndRampsToThePlateausRate() {
        var schedule = new WarmupSchedule(new ReduceOnPlateauSchedule(1.0, 0.5, 0, 0, 0, true), 3);
        schedule.observe(1.0);
        schedule.observe(1.0);
        assertEquals(0.5, schedule.learningRate(3));
        assertEquals(0.125, schedule.learningRate(0));
    }

    @Test
    void constructorsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ConstantSchedule(-1));
        assertThrows(IllegalArgumentException.class, () -> new StepDecaySchedule(0.1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialSchedule(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineRestartsSchedule(0.1, 0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new OneCycleSchedule(0.1, 10, 1.0, 25, 1e4));
        assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateauSchedule(0.1, 1.0, 1, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new ReduceOnPlateauSchedule(0.1, 0.5, -1, 0, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new WarmupSchedule(new ConstantSchedule(0.1), 0));
        assertThrows(IllegalArgumentException.class, () -> new WarmupSchedule(null, 3));
    }
}
