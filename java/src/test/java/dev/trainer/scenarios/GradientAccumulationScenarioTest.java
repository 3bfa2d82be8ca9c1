package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.DIGITS_MODEL;
import static dev.trainer.scenarios.Scenario.DIGITS_TRAIN;
import static dev.trainer.scenarios.Scenario.events;
import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --batch-size 8 --grad-accum 4} is {@code --batch-size 32}: plain SGD in data order takes
 * the same steps, to float32 rounding, with class weights, per-sample weights (some zero) and label
 * smoothing, over 90 samples, so each epoch ends on a short window (batches of 8, 8, 8 and 2
 * against one of 26). Averaging the four batches' gradients equally, instead of by their sample
 * weights, would fail on every window here.
 */
class GradientAccumulationScenarioTest {

    private static final int SAMPLES = 90;

    @TempDir
    Path tmp;

    @Test
    void fourBatchesOfEightStepAsOneBatchOfThirtyTwo() throws Exception {
        Path data = weightedRows();
        Path whole = tmp.resolve("whole");
        Path accumulated = tmp.resolve("accumulated");
        fineTune(whole, common(data, "--batch-size", "32"));
        Scenario.Outcome run = fineTune(accumulated, common(data, "--batch-size", "8", "--grad-accum", "4"));

        assertTrue(run.out().contains("gradient accumulation: 4 batches of 8 per step, an effective batch of 32"), run.out());
        List<JsonNode> wholeSteps = events(whole, "step");
        List<JsonNode> accumulatedSteps = events(accumulated, "step");
        assertEquals(List.of(32, 32, 26, 32, 32, 26), samples(accumulatedSteps), "steps count windows, not batches");
        assertEquals(samples(wholeSteps), samples(accumulatedSteps));
        for (int s = 0; s < wholeSteps.size(); s++) {
            double expected = wholeSteps.get(s).get("loss").asDouble();
            assertEquals(expected, accumulatedSteps.get(s).get("loss").asDouble(), 1e-6 * expected, "loss of step " + (s + 1));
            assertEquals(s + 1, accumulatedSteps.get(s).get("step").asInt());
        }
        for (String parameter : List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")) {
            float[] before = weights(DIGITS_MODEL, parameter);
            float[] expected = weights(whole.resolve("model.onnx"), parameter);
            float[] actual = weights(accumulated.resolve("model.onnx"), parameter);
            double moved = Scenario.distance(before, expected);
            double apart = Scenario.distance(expected, actual);
            assertTrue(moved > 0.01, parameter + " moved only " + moved);
            System.out.printf("%s moved %.4f, runs %.2e apart%n", parameter, moved, apart);
            assertTrue(apart <= 1e-5 * moved, parameter + ": " + apart + " apart after moving " + moved);
        }
    }

    private static String[] common(Path data, String... batching) {
        return Scenario.concat(new String[] {"--model", DIGITS_MODEL.toString(), "--train", data.toString(),
                "--optimizer", "sgd", "--lr", "0.2", "--no-shuffle", "--epochs", "2", "--class-weights", "auto",
                "--sample-weights", "w", "--label-smoothing", "0.1"}, batching);
    }

    /** The first 90 digits rows with a weight column of 0, 0.5, 1 and 2. */
    private Path weightedRows() throws Exception {
        List<String> lines = Files.readAllLines(DIGITS_TRAIN);
        List<String> out = new ArrayList<>(List.of(lines.getFirst() + ",w"));
        for (int i = 1; i <= SAMPLES; i++) {
            out.add(lines.get(i) + "," + (i % 7 == 0 ? "0" : i % 3 == 0 ? "2" : i % 2 == 0 ? "0.5" : "1"));
        }
        return Files.write(tmp.resolve("weighted.csv"), out);
    }

    private static List<Integer> samples(List<JsonNode> steps) {
        return steps.stream().map(s -> s.get("samples").asInt()).toList();
    }
}
