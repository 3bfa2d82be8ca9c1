package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.cli;
import static dev.trainer.scenarios.Scenario.runJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One validation split can mislead; {@code trainer cv} trains K folds and reports mean ± std.
 * On the digits training set the folds agree; on a 30-row set they disagree wildly, and cv says so.
 */
class CrossValidationScenarioTest {

    static final int FOLDS = 5;

    @TempDir
    Path tmp;

    private static Scenario.Outcome cv(Path train, Path out) {
        return cli("cv", "--folds", Integer.toString(FOLDS), "--model", Scenario.DIGITS_MODEL.toString(),
                "--train", train.toString(), "--out", out.toString(), "--epochs", "3", "--lr", "0.003").ok();
    }

    /** Checks cv.json against the fold folders and returns it. */
    private static JsonNode consistent(Path out, int samples) {
        JsonNode cv = Scenario.json(out.resolve("cv.json"));
        double[] losses = Scenario.doubles(cv.path("losses"));
        double[] accuracies = Scenario.doubles(cv.path("accuracies"));
        assertEquals(FOLDS, losses.length);
        assertEquals(FOLDS, accuracies.length);
        int validated = 0;
        for (int k = 0; k < FOLDS; k++) {
            Path fold = out.resolve("fold-" + (k + 1));
            for (String file : new String[] {"model.onnx", "run.json", "metrics.jsonl"}) {
                assertTrue(Files.isRegularFile(fold.resolve(file)), fold.resolve(file) + " exists");
            }
            JsonNode run = runJson(fold);
            assertEquals(run.path("result").path("val_loss").asDouble(), losses[k], 1e-12, "fold " + (k + 1));
            assertEquals(run.path("result").path("val_accuracy").asDouble(), accuracies[k], 1e-12, "fold " + (k + 1));
            int v = run.path("data").path("validation").path("samples").asInt();
            assertEquals(samples, v + run.path("data").path("train").path("samples").asInt(), "each fold uses all the data");
            validated += v;
        }
        assertEquals(samples, validated, "the validation folds partition the data");
        assertEquals(Scenario.mean(losses, 0, FOLDS), cv.path("meanLoss").asDouble(), 1e-12);
        assertEquals(Scenario.mean(accuracies, 0, FOLDS), cv.path("meanAccuracy").asDouble(), 1e-12);
        assertEquals(sampleStd(losses), cv.path("stdLoss").asDouble(), 1e-12);
        assertEquals(sampleStd(accuracies), cv.path("stdAccuracy").asDouble(), 1e-12);
        return cv;
    }

    private static double sampleStd(double[] values) {
        double mean = Scenario.mean(values, 0, values.length);
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.length - 1));
    }

    @Test
    void fiveFoldsOnDigitsAgreeAndATinySetIsFlaggedAsUnreliable() {
        Path out = tmp.resolve("cv");
        var run = cv(Scenario.DIGITS_TRAIN, out);
        JsonNode cv = consistent(out, 1000);
        assertTrue(run.out().contains(String.format("mean  %8.4f  %12.4f", cv.path("meanLoss").asDouble(),
                cv.path("meanAccuracy").asDouble())), run.out());
        assertTrue(run.out().contains(String.format(" std  %8.4f  %12.4f", cv.path("stdLoss").asDouble(),
                cv.path("stdAccuracy").asDouble())), run.out());
        double shipped = Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy();
        assertTrue(cv.path("meanAccuracy").asDouble() > shipped, "fine-tuning helps on average: " + cv);
        // the flag follows the rule: a std of accuracy above 3 points
        assertEquals(cv.path("stdAccuracy").asDouble() > 0.03, cv.path("largeSpread").asBoolean());
        assertEquals(cv.path("largeSpread").asBoolean(), run.out().contains("the spread across folds is large"));

        Path tinyOut = tmp.resolve("cv-tiny");
        Path tiny = Scenario.csvRows(Scenario.DIGITS_TRAIN, tmp.resolve("tiny.csv"), (row, label) -> row < 30);
        var tinyRun = cv(tiny, tinyOut);
        JsonNode tinyCv = consistent(tinyOut, 30);
        assertTrue(tinyCv.path("largeSpread").asBoolean(), tinyCv.toString());
        assertTrue(tinyCv.path("stdAccuracy").asDouble() > 2 * cv.path("stdAccuracy").asDouble(),
                "6 validation rows per fold make the estimate noisy: " + tinyCv.path("stdAccuracy") + " vs " + cv.path("stdAccuracy"));
        assertTrue(tinyRun.out().contains("the spread across folds is large"), tinyRun.out());
        assertFalse(cv.path("largeSpread").asBoolean() && !tinyCv.path("largeSpread").asBoolean());
    }
}
