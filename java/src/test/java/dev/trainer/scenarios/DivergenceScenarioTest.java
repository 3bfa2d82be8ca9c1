package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.cli;
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
 * Learning rate far too high: fine-tuning the digits model with {@code --lr 10} takes its loss up by
 * orders of magnitude, the run stops as diverged and the diagnosis says so, and the remedy, {@code trainer lr-find} on the same data,
 * suggests a rate that fine-tunes the model past where it started.
 */
class DivergenceScenarioTest {

    @TempDir
    Path tmp;

    @Test
    void lrTenIsDiagnosedAsUnstableAndLrFindSuggestsARateThatTrains() throws Exception {
        double shipped = Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy();

        Path failed = tmp.resolve("lr10");
        var run = cli("fine-tune", "--out", failed.toString(), "--model", Scenario.DIGITS_MODEL.toString(), "--train",
                Scenario.DIGITS_TRAIN.toString(), "--val", Scenario.DIGITS_VAL.toString(), "--epochs", "5", "--lr", "10");
        assertEquals(1, run.code(), "lr 10 takes the loss up by orders of magnitude within steps: " + run.err());
        assertTrue(run.err().contains("the learning rate 10.0 is probably too high; try --lr 1.00 "), run.err());
        assertFalse(Files.exists(failed.resolve("model.onnx")), "the wrecked model is not exported");
        String diagnosis = cli("diagnose", failed.toString()).ok().out().strip();
        assertTrue(diagnosis.startsWith("CRITICAL: divergence: the loss grew by orders of magnitude"), diagnosis);
        assertTrue(run.out().contains(diagnosis), "the failed fine-tune printed the diagnosis:\n" + run.out());
        assertTrue(diagnosis.contains("try --lr 1 "), "suggests a tenth of the rate:\n" + diagnosis);

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
     * {@code --lr 1e6}: the loss goes 1.7 -> 7e14 from the second step on and stays finite. The run
     * stops at the fifth step with exit code 1 and the cause, exports nothing, records "diverged",
     * and keeps only the checkpoint written before the divergence set in (however few --keep-last keeps).
     */
    @Test
    void aFiniteLossGrowingByOrdersOfMagnitudeStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path run = tmp.resolve("lr1e6");
        var outcome = cli("fine-tune", "--out", run.toString(), "--model", Scenario.DIGITS_MODEL.toString(), "--train",
                Scenario.DIGITS_TRAIN.toString(), "--epochs", "3", "--lr", "1e6", "--save-every", "1", "--keep-last", "1");
        assertEquals(1, outcome.code(), outcome.err());
        assertEquals(1, outcome.err().lines().count(), outcome.err());
        Path good = run.resolve("checkpoints").resolve("step-000000001.ckpt");
        assertTrue(outcome.err().startsWith("trainer: error: training failed: the loss grew from 1.706 (the first step's)"
                + " to 2.937e+14 (the median of the last 5) by step 5 (epoch 1): the learning rate 1.00e+06 is probably too"
                + " high"), outcome.err());
        assertTrue(outcome.err().strip().endsWith("; nothing was exported; the last good checkpoint is " + good
                + " (step 1)"), outcome.err());
        assertFalse(Files.exists(run.resolve("model.onnx")), "no model from a diverged run");
        assertEquals("diverged", runJson(run).path("status").asText());
        try (var files = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of(good), files.toList(), "the checkpoints of steps 2-5 hold the diverging parameters");
        }
    }

    /**
     * {@code --lr 50} on an MLP: the loss blows up and the validation predictions collapse onto one
     * class. The diagnosis names the learning rate as the cause, first, and the collapse as its
     * consequence, without sending the user to class weights.
     */
    @Test
    void theLearningRateIsNamedAsTheCauseAndTheClassCollapseAsItsConsequence() {
        Path mlp = Path.of("src/test/resources/fixtures/mlp");
        Path run = tmp.resolve("lr50");
        var outcome = cli("fine-tune", "--out", run.toString(), "--model", mlp.resolve("model.onnx").toString(), "--train",
                mlp.resolve("train.npz").toString(), "--val-split", "0.2", "--optimizer", "sgd", "--lr", "50", "--epochs", "5");
        assertEquals(1, outcome.code(), outcome.err());
        String diagnosis = cli("diagnose", run.toString()).ok().out();
        assertEquals("divergence", findings(diagnosis).getFirst(), diagnosis);
        assertTrue(diagnosis.replaceAll("\\s+", " ").contains("(the cause: the learning rate 50 is too high)"), diagnosis);
        assertTrue(diagnosis.contains("INFO: class collapse:"), diagnosis);
        assertTrue(diagnosis.replaceAll("\\s+", " ").contains("(a consequence of the learning rate 50: fix that first)"),
                diagnosis);
        assertFalse(diagnosis.contains("--class-weights"), "no remedy for the symptom:\n" + diagnosis);
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
