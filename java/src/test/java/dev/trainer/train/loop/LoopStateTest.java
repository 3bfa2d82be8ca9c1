package dev.trainer.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.trainer.config.LrSchedule;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.config.StoppingConfig;
import dev.trainer.config.StoppingMetric;
import dev.trainer.config.Warmup;
import dev.trainer.events.ClassScores;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.ConfusionMatrix;
import dev.trainer.events.Scores;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.train.schedule.Schedules;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A snapshot of the loop's state put back into a loop that has moved on (or a fresh one) makes it
 * the loop it was: position, running sums, the plateau schedule's rate, early stopping's memory.
 */
class LoopStateTest {

    @Test
    void restoringASnapshotPutsEveryPartBack() {
        try (ParameterBuffer parameters = new ParameterBuffer(Map.of("w", new long[] {3}))) {
            LoopState state = newState();
            advance(state, parameters, 1, new double[] {1.0, 0.9});
            LoopState.Snapshot saved = state.snapshot();
            double savedRate = state.schedule.learningRate(state.step);

            advance(state, parameters, 2, new double[] {1.2, 1.3, 1.4});
            assertNotEquals(saved, state.snapshot());
            assertNotEquals(savedRate, state.schedule.learningRate(state.step), "the plateau schedule cut the rate");

            state.restore(saved);
            assertEquals(saved, state.snapshot());
            assertEquals(savedRate, state.schedule.learningRate(state.step));
            assertSame(saved.stopping().checkpoint(), state.stopping.state().checkpoint());

            LoopState fresh = newState();
            fresh.restore(saved);
            assertEquals(saved, fresh.snapshot());
            assertEquals(savedRate, fresh.schedule.learningRate(fresh.step));
        }
    }

    private static LoopState newState() {
        ScheduleConfig plateau = new ScheduleConfig(new LrSchedule.Plateau(0.5, 0), Warmup.NONE);
        return new LoopState(Schedules.of(plateau, 0.1, 100),
                new EarlyStopping(new StoppingConfig(5, StoppingMetric.VAL_LOSS, 0)));
    }

    /** Half right, in two classes. */
    private static final ClassificationScores SCORED_CLASSES = new ClassificationScores(0.5, 0.5, 0.5, 0.5, 0.5, 0.7,
            new TreeMap<>(), List.of(new ClassScores(0.5, 0.5, 0.5, 8), new ClassScores(0.5, 0.5, 0.5, 8)),
            List.of(0.5, 0.5), new ConfusionMatrix(new long[][] {{4, 4}, {4, 4}}, List.of()));

    /** One epoch of two batches, then a validation of each loss given, as the loop records them. */
    private static void advance(LoopState state, ParameterBuffer parameters, int epoch, double[] validationLosses) {
        state.startEpoch(epoch);
        for (int b = 0; b < 2; b++) {
            state.step++;
            state.record(1, 0.5 + b, 8, 5);
        }
        state.lastTrainLoss = state.epochLoss();
        for (double loss : validationLosses) {
            Scores scores = new Scores(loss, 16, SCORED_CLASSES, null);
            state.lastValidation = scores;
            state.schedule.observe(loss);
            state.stopping.observe(scores, parameters, epoch, state.step);
        }
    }
}
