package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.events;
import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.perEpoch;
import static dev.trainer.scenarios.Scenario.runJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --best-metric}: early stopping watches the named validation metric in its direction, the
 * checkpoints and the restore name it, and the exported model is the epoch best by it.
 */
class BestMetricScenarioTest {

    @TempDir
    Path tmp;

    private String[] tinyRun(Path train, String... extra) {
        return Scenario.concat(new String[] {"--model", Scenario.DIGITS_MODEL.toString(), "--train", train.toString(),
                "--val", Scenario.DIGITS_VAL.toString(), "--epochs", "12", "--lr", "0.003", "--batch-size", "8",
                "--early-stopping-patience", "12"}, extra);
    }

    @Test
    void macroF1ChoosesTheRestoredEpochAndTheExportedModelHasIt() {
        Path train = Scenario.csvRows(Scenario.DIGITS_TRAIN, tmp.resolve("tiny.csv"), (row, label) -> row < 40);
        Path run = tmp.resolve("f1");

        fineTune(run, tinyRun(train, "--best-metric", "val_macro_f1"));

        double[] f1 = perEpoch(run, "val_macro_f1");
        int best = 0;
        for (int e = 1; e < f1.length; e++) {
            best = f1[e] > f1[best] ? e : best;
        }
        // the checkpoints of a new best (those with a metric), not the checkpoint files written each epoch
        List<JsonNode> checkpoints = events(run, "checkpoint").stream().filter(c -> c.has("metric")).toList();
        assertTrue(checkpoints.size() >= 2, "several improvements: " + checkpoints);
        for (JsonNode c : checkpoints) {
            assertEquals("val_macro_f1", c.path("metric").asText());
            assertEquals(f1[c.path("epoch").asInt() - 1], c.path("value").asDouble(), 1e-12);
        }
        JsonNode restore = events(run, "restore").getFirst();
        assertEquals(best + 1, restore.path("epoch").asInt());
        assertEquals(best + 1, runJson(run).path("result").path("restored_best_epoch").asInt());
        assertEquals(f1[best], Scenario.evaluate(run.resolve("model.onnx"), Scenario.DIGITS_VAL).macroF1(), 1e-9,
                "the exported model is the best epoch's by macro F1");
    }

    @Test
    void theOldOptionNameStillSetsIt() {
        Path train = Scenario.csvRows(Scenario.DIGITS_TRAIN, tmp.resolve("tiny.csv"), (row, label) -> row < 40);
        Path run = tmp.resolve("accuracy");

        fineTune(run, tinyRun(train, "--early-stopping-metric", "accuracy", "--epochs", "3"));

        assertEquals("val_accuracy", events(run, "restore").getFirst().path("metric").asText());
        assertEquals("val_accuracy", runJson(run).path("config").path("stopping").path("metric").asText());
    }
}
