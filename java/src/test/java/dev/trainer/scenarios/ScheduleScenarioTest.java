package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.events;
import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.fineTuneDigits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning-rate schedules as the training loop applies them: the {@code lr} of every step event
 * in metrics.jsonl follows warm-up then cosine, one-cycle's rise and fall, and plateau's
 * reductions after the validation loss stops improving.
 */
class ScheduleScenarioTest {

    static final double LR = 0.003;
    /** 1000 training rows in batches of 32. */
    static final int STEPS_PER_EPOCH = 32;

    @TempDir
    Path tmp;

    private static double[] stepRates(Path run) {
        return events(run, "step").stream().mapToDouble(s -> s.path("lr").asDouble()).toArray();
    }

    @Test
    void warmupThenCosine() {
        Path run = tmp.resolve("cosine");
        fineTuneDigits(run, "--epochs", "2", "--lr", Double.toString(LR), "--lr-schedule", "cosine", "--warmup-steps", "10");
        double[] lr = stepRates(run);
        int total = 2 * STEPS_PER_EPOCH;
        int warmup = 10;
        assertEquals(total, lr.length);
        for (int s = 1; s <= total; s++) { // step events count from 1; the rate of step s is the schedule's at s - 1
            double expected = s <= warmup ? LR * s / (warmup + 1)
                    : LR * (1 + Math.cos(Math.PI * (s - 1 - warmup) / (total - warmup))) / 2;
            assertEquals(expected, lr[s - 1], 1e-12 * LR, "step " + s);
        }
        assertEquals(LR, lr[warmup], 1e-15, "full rate on the first step after the warm-up");
        assertTrue(lr[total - 1] < 0.01 * LR, "annealed to near 0: " + lr[total - 1]);
    }

    @Test
    void oneCycleRisesToItsPeakAndAnneals() {
        Path run = tmp.resolve("one-cycle");
        fineTuneDigits(run, "--epochs", "2", "--lr", Double.toString(LR), "--lr-schedule", "one-cycle");
        double[] lr = stepRates(run);
        int peak = 0;
        for (int i = 1; i < lr.length; i++) {
            peak = lr[i] > lr[peak] ? i : peak;
        }
        assertEquals(LR / 25, lr[0], 1e-12, "starts at max/25");
        assertEquals(LR, lr[peak], 0.01 * LR, "peaks at the base rate");
        assertEquals(0.3 * lr.length, peak + 1, 1.5, "after 30% of the steps");
        for (int i = 1; i < lr.length; i++) {
            assertTrue(i <= peak ? lr[i] >= lr[i - 1] : lr[i] <= lr[i - 1], "rises, then falls: step " + (i + 1));
        }
        assertEquals(LR / 25 / 1e4, lr[lr.length - 1], 1e-12, "ends at max/25/1e4");
        // Adam's beta1 cycles the other way: 0.95 at the start and end, 0.85 at the peak
        double[] momentum = events(run, "step").stream().mapToDouble(s -> s.path("momentum").asDouble()).toArray();
        assertEquals(0.95, momentum[0], 1e-12);
        assertEquals(0.85, momentum[peak], 1e-3);
        assertEquals(0.95, momentum[momentum.length - 1], 1e-12);
        assertTrue(Scenario.perEpoch(run, "val_accuracy")[1] > Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy());
    }

    /**
     * On 40 rows the validation loss bottoms out early; plateau:0.5:2 halves the rate after every
     * third epoch in a row without a new best (PyTorch's ReduceLROnPlateau, threshold 1e-4 relative).
     */
    @Test
    void plateauHalvesTheRateAfterTheValidationLossStopsImproving() {
        Path train = Scenario.csvRows(Scenario.DIGITS_TRAIN, tmp.resolve("tiny.csv"), (row, label) -> row < 40);
        Path run = tmp.resolve("plateau");
        fineTune(run, "--model", Scenario.DIGITS_MODEL.toString(), "--train", train.toString(), "--val",
                Scenario.DIGITS_VAL.toString(), "--epochs", "40", "--batch-size", "8", "--lr", Double.toString(LR),
                "--lr-schedule", "plateau:0.5:2");
        List<JsonNode> steps = events(run, "step");
        double[] valLoss = Scenario.perEpoch(run, "val_loss");
        double expected = LR;
        double best = Double.POSITIVE_INFINITY;
        int bad = 0;
        int reductions = 0;
        for (int epoch = 1; epoch <= valLoss.length; epoch++) {
            final int e = epoch;
            for (JsonNode s : steps.stream().filter(s -> s.path("epoch").asInt() == e).toList()) {
                assertEquals(expected, s.path("lr").asDouble(), 1e-15, "epoch " + epoch + " step " + s.path("step"));
            }
            if (valLoss[epoch - 1] < best * (1 - 1e-4)) {
                best = valLoss[epoch - 1];
                bad = 0;
            } else if (++bad > 2) {
                expected *= 0.5;
                reductions++;
                bad = 0;
            }
        }
        assertTrue(reductions >= 2, "the validation loss stagnated long enough for several halvings: " + reductions);
        assertTrue(steps.getLast().path("lr").asDouble() < LR / 2);
    }
}
