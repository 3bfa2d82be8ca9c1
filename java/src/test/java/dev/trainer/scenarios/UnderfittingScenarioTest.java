package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.diagnose;
import static dev.trainer.scenarios.Scenario.findings;
import static dev.trainer.scenarios.Scenario.fineTuneDigits;
import static dev.trainer.scenarios.Scenario.perEpoch;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Learning rate far too low: at {@code --lr 1e-7} the digits model does not move. The diagnosis
 * calls it stagnation or underfitting and suggests a larger rate, which then trains.
 */
class UnderfittingScenarioTest {

    @TempDir
    Path tmp;

    @Test
    void aTinyLearningRateStagnatesAndALargerOneTrains() {
        double shipped = Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy();

        Path failed = tmp.resolve("lr1e-7");
        var run = fineTuneDigits(failed, "--epochs", "4", "--lr", "1e-7");
        String diagnosis = diagnose(failed, run);
        List<String> kinds = findings(diagnosis);
        assertTrue(kinds.contains("stagnation") || kinds.contains("underfitting"), diagnosis);
        assertTrue(diagnosis.contains("lr-find") && diagnosis.contains("x the learning rate"),
                "suggests a larger rate:\n" + diagnosis);
        double[] train = perEpoch(failed, "train_loss");
        double[] val = perEpoch(failed, "val_accuracy");
        assertTrue(Math.abs(train[3] - train[0]) < 0.01 * train[0], "the loss did not move: " + train[0] + " -> " + train[3]);
        assertTrue(Math.abs(val[3] - shipped) < 0.01, "nor did the accuracy: " + val[3] + " vs shipped " + shipped);

        Path remedied = tmp.resolve("lr3e-3");
        var remedy = fineTuneDigits(remedied, "--epochs", "4", "--lr", "3e-3");
        double[] trained = perEpoch(remedied, "train_loss");
        double[] accuracy = perEpoch(remedied, "val_accuracy");
        assertTrue(trained[3] < 0.5 * train[3], "a larger rate trains: " + trained[3] + " vs " + train[3]);
        assertTrue(accuracy[3] > shipped + 0.05, "and generalises: " + accuracy[3] + " vs " + shipped);
        List<String> after = findings(remedy.diagnosis());
        assertFalse(after.contains("stagnation") || after.contains("underfitting"), remedy.diagnosis());
    }
}
