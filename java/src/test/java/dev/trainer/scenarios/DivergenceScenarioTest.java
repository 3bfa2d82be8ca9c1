package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.cli;
import static dev.trainer.scenarios.Scenario.diagnose;
import static dev.trainer.scenarios.Scenario.findings;
import static dev.trainer.scenarios.Scenario.fineTuneDigits;
import static dev.trainer.scenarios.Scenario.runJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning rate far too high: fine-tuning the digits model with {@code --lr 10} wrecks it, the
 * diagnosis calls the steps unstable, and the remedy, {@code trainer lr-find} on the same data,
 * suggests a rate that fine-tunes the model past where it started.
 */
class DivergenceScenarioTest {

    @TempDir
    Path tmp;

    @Test
    void lrTenIsDiagnosedAsUnstableAndLrFindSuggestsARateThatTrains() throws Exception {
        double shipped = Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy();

        Path failed = tmp.resolve("lr10");
        var run = fineTuneDigits(failed, "--epochs", "5", "--lr", "10");
        String diagnosis = diagnose(failed, run);
        List<String> kinds = findings(diagnosis);
        assertTrue(kinds.contains("divergence") || kinds.contains("loss spikes") || kinds.contains("oscillation"),
                "an instability finding:\n" + diagnosis);
        assertTrue(diagnosis.contains("try --lr 1 "), "suggests a tenth of the rate:\n" + diagnosis);
        double wrecked = runJson(failed).path("result").path("val_accuracy").asDouble();
        assertTrue(wrecked < shipped - 0.3, "lr 10 wrecks the model: " + wrecked + " vs shipped " + shipped);

        Path plot = tmp.resolve("lr-find.png");
        var find = cli("lr-find", "--model", Scenario.DIGITS_MODEL.toString(), "--train", Scenario.DIGITS_TRAIN.toString(),
                "--plot", plot.toString()).ok();
        double suggested = Scenario.number(find.out(), "suggested --lr (\\S+)");
        assertTrue(suggested >= 1e-4 && suggested <= 1e-1, "a sane rate: " + suggested + "\n" + find.out());
        assertTrue(Files.size(plot) > 0);

        Path remedied = tmp.resolve("suggested");
        fineTuneDigits(remedied, "--epochs", "5", "--lr", Double.toString(suggested));
        double accuracy = runJson(remedied).path("result").path("val_accuracy").asDouble();
        assertTrue(accuracy > shipped + 0.05, "fine-tuning at the suggested " + suggested + " beats the shipped model: "
                + accuracy + " vs " + shipped);
        // what run.json reports is what the exported model does
        assertEquals(accuracy, Scenario.evaluate(remedied.resolve("model.onnx"), Scenario.DIGITS_VAL).accuracy(), 1e-12);
        assertFalse(findings(Scenario.cli("diagnose", remedied.toString()).out()).contains("divergence"));
    }

    /**
     * A rate so large that the weights overflow: the loss becomes NaN, the run fails with exit
     * code 1, and the diagnosis (divergence, critical) is printed all the same.
     */
    @Test
    void aNonFiniteLossFailsTheRunAndStillPrintsTheDiagnosis() throws Exception {
        Path model = Files.write(tmp.resolve("mlp.onnx"), NormalizationScenarioTest.mlp().toByteArray());
        Path run = tmp.resolve("nan");
        var outcome = cli("fine-tune", "--out", run.toString(), "--model", model.toString(), "--train",
                NormalizationScenarioTest.DATA.toString(), "--epochs", "2", "--optimizer", "sgd", "--lr", "1e30");
        assertEquals(1, outcome.code(), outcome.err());
        assertTrue(outcome.err().startsWith("trainer: error: training failed: the loss became NaN"), outcome.err());
        assertTrue(outcome.err().contains("try --lr 1.00e+29"), outcome.err());
        assertFalse(Files.exists(run.resolve("model.onnx")), "no model from a failed run");
        String report = cli("diagnose", run.toString()).ok().out().strip();
        assertTrue(report.startsWith("CRITICAL: divergence: the loss became NaN or infinite"), report);
        assertTrue(outcome.out().contains(report), "the failed fine-tune printed the diagnosis:\n" + outcome.out());
    }
}
