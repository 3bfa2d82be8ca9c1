package dev.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.events.ClassScores;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.RegressionScores;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metrics against scikit-learn's values on the prediction sets of
 * {@code scripts/make_metrics_fixture.py} (ties, a class never predicted, a class absent from
 * the labels; one- and two-output regression).
 */
class ScikitLearnMetricsTest {

    private static final double TOLERANCE = 1e-9;

    static Stream<JsonNode> classificationCases() throws IOException {
        return cases("classification");
    }

    static Stream<JsonNode> regressionCases() throws IOException {
        return cases("regression");
    }

    private static Stream<JsonNode> cases(String kind) throws IOException {
        try (InputStream in = ScikitLearnMetricsTest.class.getResourceAsStream("/metrics/sklearn.json")) {
            List<JsonNode> list = new ArrayList<>();
            new ObjectMapper().readTree(in).get(kind).forEach(list::add);
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("classificationCases")
    void classificationMatchesScikitLearn(JsonNode fixture) {
        int classes = fixture.get("classes").asInt();
        int[] labels = ints(fixture.get("labels"));
        float[] logits = floats(fixture.get("logits"));
        JsonNode expected = fixture.get("expected");
        int[] topK = new int[expected.get("top_k").size()];
        var names = expected.get("top_k").fieldNames();
        for (int i = 0; names.hasNext(); i++) {
            topK[i] = Integer.parseInt(names.next());
        }

        ClassificationMetrics metrics = new ClassificationMetrics(classes);
        int half = labels.length / 2;  // two batches, so that accumulation is part of the check
        metrics.add(Arrays.copyOf(logits, half * classes), Arrays.copyOf(labels, half));
        metrics.add(Arrays.copyOfRange(logits, half * classes, logits.length), Arrays.copyOfRange(labels, half, labels.length));
        ClassificationScores report = metrics.report(List.of(), topK);

        String name = fixture.get("name").asText();
        assertEquals(expected.get("accuracy").asDouble(), report.accuracy(), TOLERANCE, name + " accuracy");
        assertArrayEquals(doubles(expected.get("precision")), report.perClass().stream().mapToDouble(ClassScores::precision).toArray(), TOLERANCE, name + " precision");
        assertArrayEquals(doubles(expected.get("recall")), report.perClass().stream().mapToDouble(ClassScores::recall).toArray(), TOLERANCE, name + " recall");
        assertArrayEquals(doubles(expected.get("f1")), report.perClass().stream().mapToDouble(ClassScores::f1).toArray(), TOLERANCE, name + " f1");
        assertArrayEquals(longs(expected.get("support")), report.perClass().stream().mapToLong(ClassScores::support).toArray(), name + " support");
        assertEquals(expected.get("macro_f1").asDouble(), report.macroF1(), TOLERANCE, name + " macro F1");
        assertEquals(expected.get("weighted_f1").asDouble(), report.weightedF1(), TOLERANCE, name + " weighted F1");
        assertEquals(expected.get("log_loss").asDouble(), report.logLoss(), TOLERANCE, name + " log loss");
        assertEquals(expected.get("roc_auc").asDouble(), report.rocAuc(), TOLERANCE, name + " ROC-AUC");
        assertEquals(expected.get("average_precision").asDouble(), report.prAuc(), TOLERANCE, name + " PR-AUC");
        for (int k : topK) {
            assertEquals(expected.get("top_k").get(Integer.toString(k)).asDouble(), report.topK().get(k), TOLERANCE,
                    name + " top-" + k);
        }
        JsonNode confusion = expected.get("confusion");
        for (int label = 0; label < classes; label++) {
            assertArrayEquals(longs(confusion.get(label)), report.confusion().counts()[label], name + " confusion row " + label);
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("regressionCases")
    void regressionMatchesScikitLearn(JsonNode fixture) {
        float[] predictions = floats(fixture.get("predictions"));
        float[] targets = floats(fixture.get("targets"));
        int outputs = fixture.get("outputs").asInt();
        JsonNode expected = fixture.get("expected");

        RegressionMetrics metrics = new RegressionMetrics(outputs);
        int split = predictions.length / outputs / 3 * outputs;
        metrics.add(Arrays.copyOf(predictions, split), Arrays.copyOf(targets, split));
        metrics.add(Arrays.copyOfRange(predictions, split, predictions.length), Arrays.copyOfRange(targets, split, targets.length));
        RegressionScores report = metrics.report();

        String name = fixture.get("name").asText();
        assertEquals(expected.get("mae").asDouble(), report.meanAbsoluteError(), TOLERANCE, name + " MAE");
        assertEquals(expected.get("mse").asDouble(), report.meanSquaredError(), TOLERANCE, name + " MSE");
        assertEquals(expected.get("rmse").asDouble(), report.rootMeanSquaredError(), TOLERANCE, name + " RMSE");
        assertEquals(expected.get("r2").asDouble(), report.r2(), TOLERANCE, name + " R²");
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    /** The fixture's values are float32 numbers written as float64: the cast is exact. */
    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }
}
