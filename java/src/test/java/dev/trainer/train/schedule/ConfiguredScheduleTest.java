package dev.trainer.train.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.LrSchedule;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.config.Warmup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schedules the command line's specs name, as {@link Schedules#of} builds them. */
class ConfiguredScheduleTest {

    /** The schedule a spec names, with a warm-up of {@code warmup} steps. */
    private static LearningRateSchedule parse(String spec, double baseLr, long totalSteps, long warmup) {
        return Schedules.of(new ScheduleConfig(LrSchedule.parse(spec), warmup == 0 ? Warmup.NONE : new Warmup.Steps(warmup)),
                baseLr, totalSteps);
    }


    @Test
    void readsEveryForm() {
        assertEquals(new ConstantSchedule(0.1), parse("constant", 0.1, 100, 0));
        assertEquals(new StepDecaySchedule(0.1, 30, 0.1), parse("step:30", 0.1, 100, 0));
        assertEquals(new StepDecaySchedule(0.1, 30, 0.5), parse("step:30:0.5", 0.1, 100, 0));
        assertEquals(new ExponentialSchedule(0.1, 0.99), parse("exponential:0.99", 0.1, 100, 0));
        assertEquals(new CosineSchedule(0.1, 0, 100), parse("cosine", 0.1, 100, 0));
        assertEquals(new CosineSchedule(0.1, 1e-5, 100), parse("cosine:1e-5", 0.1, 100, 0));
        assertEquals(new CosineRestartsSchedule(0.1, 0, 10, 1), parse("cosine-restarts:10", 0.1, 100, 0));
        assertEquals(new CosineRestartsSchedule(0.1, 0, 10, 2), parse("cosine-restarts:10:2", 0.1, 100, 0));
        assertEquals(new CosineRestartsSchedule(0.1, 0.001, 10, 2),
                parse("cosine-restarts:10:2:0.001", 0.1, 100, 0));
        assertEquals(new OneCycleSchedule(0.1, 100), parse("one-cycle", 0.1, 100, 0));
        assertEquals(new OneCycleSchedule(0.5, 100), parse(" One-Cycle:0.5 ", 0.1, 100, 0));
    }

    @Test
    void plateauDefaultsToPyTorchsAndWatchesALoss() {
        LearningRateSchedule schedule = parse("plateau", 0.1, 100, 0);
        assertInstanceOf(ReduceOnPlateauSchedule.class, schedule);
        for (int i = 0; i < 11; i++) {
            schedule.observe(1.0);
        }
        assertEquals(0.1, schedule.learningRate(0), "within the default patience of 10");
        schedule.observe(1.0);
        assertEquals(0.1 * 0.1, schedule.learningRate(0), 1e-18);

        LearningRateSchedule custom = parse("plateau:0.5:0", 0.1, 100, 0);
        custom.observe(1.0);
        custom.observe(0.5);
        assertEquals(0.1, custom.learningRate(0), "a falling loss is an improvement");
        custom.observe(0.6);
        assertEquals(0.05, custom.learningRate(0));
    }

    @Test
    void warmUpWrapsTheScheduleWhichGetsTheRemainingSteps() {
        LearningRateSchedule schedule = parse("cosine", 0.1, 100, 10);
        assertEquals(new WarmupSchedule(new CosineSchedule(0.1, 0, 90), 10), schedule);
        assertEquals(new WarmupSchedule(new OneCycleSchedule(0.1, 80), 20), parse("one-cycle", 0.1, 100, 20));
    }

    @Test
    void constantWithoutWarmUpIsExactlyTheBaseRate() {
        LearningRateSchedule schedule = parse("constant", 0.003, 1000, 0);
        for (long step = 0; step < 1000; step++) {
            assertEquals(0.003, schedule.learningRate(step));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                     | no schedule given",
        "linear                 | unknown schedule \"linear\"",
        "constant:1             | constant takes no parameters, not 1 parameters",
        "step                   | step needs STEP_SIZE",
        "step:                  | STEP_SIZE \"\" is not a whole number",
        "step:1.5               | STEP_SIZE \"1.5\" is not a whole number",
        "step:0                 | step size must be >= 1, not 0",
        "step:10:x              | GAMMA \"x\" is not a number",
        "step:10:0.5:1          | step takes at most STEP_SIZE, GAMMA, not 3 parameters",
        "exponential            | exponential needs GAMMA",
        "exponential:-0.5       | gamma must be a finite number > 0, not -0.5",
        "cosine:NaN             | MIN_LR \"NaN\" is not a number",
        "cosine:-1              | min lr must be a finite number >= 0, not -1.0",
        "cosine-restarts        | cosine-restarts needs T0",
        "cosine-restarts:10:1.5 | TMULT \"1.5\" is not a whole number",
        "one-cycle:big          | MAX_LR \"big\" is not a number",
        "plateau:2              | plateau factor must be in (0, 1), not 2.0",
        "plateau:0.5:-1         | plateau patience must be >= 0, not -1",
    })
    void badSpecsSayWhatIsWrongAndWhatIsAccepted(String spec, String problem) {
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.parse(spec));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().endsWith("accepted: " + LrSchedule.FORMS), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void warmUpAndRunLengthMustFit() {
        var tooLong = assertThrows(IllegalArgumentException.class, () -> parse("cosine", 0.1, 100, 100));
        assertEquals("--warmup-steps 100: a warm-up of 100 steps does not fit a run of 100 steps (epochs × batches, or"
                + " --max-steps); it must be from 0 to 99", tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("cosine", 0.1, 100, -1));
        assertThrows(IllegalArgumentException.class, () -> parse("constant", 0.1, 0, 0));
    }

    @Test
    void warmUpComesFromStepsOrRatio() {
        assertEquals(0, Warmup.of(0, 0).steps(1000));
        assertEquals(50, Warmup.of(50, 0).steps(1000));
        assertEquals(100, Warmup.of(0, 0.1).steps(1000));
        assertEquals(1, Warmup.of(0, 0.001).steps(999), "a ratio rounds up");
        assertEquals("give --warmup-steps or --warmup-ratio, not both",
                assertThrows(IllegalArgumentException.class, () -> Warmup.of(5, 0.1).steps(1000)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Warmup.of(0, 1.0).steps(1000));
        assertThrows(IllegalArgumentException.class, () -> Warmup.of(0, Double.NaN).steps(1000));
        assertThrows(IllegalArgumentException.class, () -> Warmup.of(-1, 0).steps(1000));
    }
}
