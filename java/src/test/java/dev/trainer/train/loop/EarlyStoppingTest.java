package dev.trainer.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.StoppingConfig;
import dev.trainer.config.StoppingMetric;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.RegressionScores;
import dev.trainer.events.Scores;
import dev.trainer.runtime.ParameterBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Early stopping watches whichever metric --best-metric names, in that metric's direction. */
class EarlyStoppingTest {

    /** A classifier's scores where only macro F1, log loss and top-3 accuracy matter. */
    private static Scores classes(double macroF1, double logLoss, double top3) {
        TreeMap<Integer, Double> topK = new TreeMap<>(Map.of(3, top3));
        return new Scores(1.0, 10, new ClassificationScores(0.5, macroF1, 0.5, 0.5, 0.5, logLoss, topK, List.of(),
                List.of(), null), null);
    }

    private static List<EarlyStopping.Verdict> observe(StoppingMetric metric, int patience, List<Scores> validations) {
        try (ParameterBuffer parameters = new ParameterBuffer(Map.of("w", new long[] {2}))) {
            EarlyStopping stopping = new EarlyStopping(new StoppingConfig(patience, metric, 0));
            int[] epoch = {0};
            return validations.stream().map(v -> stopping.observe(v, parameters, ++epoch[0], epoch[0])).toList();
        }
    }

    @Test
    void aHigherIsBetterMetricCheckpointsOnEachRise() {
        List<EarlyStopping.Verdict> verdicts = observe(StoppingMetric.VAL_MACRO_F1, 2,
                List.of(classes(0.5, 1, 0), classes(0.7, 1, 0), classes(0.6, 1, 0), classes(0.65, 1, 0)));

        assertEquals(List.of(EarlyStopping.Verdict.CHECKPOINTED, EarlyStopping.Verdict.CHECKPOINTED,
                EarlyStopping.Verdict.CONTINUE, EarlyStopping.Verdict.STOP), verdicts);
    }

    @Test
    void aLowerIsBetterMetricCheckpointsOnEachFall() {
        List<EarlyStopping.Verdict> verdicts = observe(StoppingMetric.VAL_LOG_LOSS, 3,
                List.of(classes(0, 0.9, 0), classes(0, 0.95, 0), classes(0, 0.4, 0)));

        assertEquals(List.of(EarlyStopping.Verdict.CHECKPOINTED, EarlyStopping.Verdict.CONTINUE,
                EarlyStopping.Verdict.CHECKPOINTED), verdicts);
    }

    @Test
    void theBestValueAndCheckpointAreTheMetricsAndTopKReadsTheReportedK() {
        try (ParameterBuffer parameters = new ParameterBuffer(Map.of("w", new long[] {2}))) {
            EarlyStopping stopping = new EarlyStopping(new StoppingConfig(5, StoppingMetric.VAL_TOP_K_ACCURACY, 0));
            stopping.observe(classes(0, 0, 0.8), parameters, 1, 10);
            stopping.observe(classes(0, 0, 0.9), parameters, 2, 20);
            stopping.observe(classes(0, 0, 0.85), parameters, 3, 30);

            assertEquals(0.9, stopping.state().best());
            assertEquals(2, stopping.state().checkpoint().epoch());
        }
    }

    @Test
    void aRegressorsMetricsWork() {
        Scores worse = new Scores(2, 4, null, new RegressionScores(1, 2, Math.sqrt(2), 0.1));
        Scores better = new Scores(1, 4, null, new RegressionScores(0.5, 1, 1, 0.6));

        assertEquals(List.of(EarlyStopping.Verdict.CHECKPOINTED, EarlyStopping.Verdict.CHECKPOINTED),
                observe(StoppingMetric.VAL_RMSE, 1, List.of(worse, better)));
        assertEquals(List.of(EarlyStopping.Verdict.CHECKPOINTED, EarlyStopping.Verdict.STOP),
                observe(StoppingMetric.VAL_R2, 1, List.of(better, worse)));
    }

    @Test
    void withoutPatienceTheBestIsTrackedButNothingIsKept() {
        try (ParameterBuffer parameters = new ParameterBuffer(Map.of("w", new long[] {2}))) {
            EarlyStopping stopping = new EarlyStopping(new StoppingConfig(0, StoppingMetric.VAL_MACRO_F1, 0));

            assertEquals(EarlyStopping.Verdict.CONTINUE, stopping.observe(classes(0.4, 0, 0), parameters, 1, 1));
            assertEquals(0.4, stopping.state().best());
            assertNull(stopping.state().checkpoint());
            assertTrue(Double.isNaN(classes(0.4, 0, 0).value(StoppingMetric.VAL_MAE)), "a classifier has no MAE");
        }
    }
}
