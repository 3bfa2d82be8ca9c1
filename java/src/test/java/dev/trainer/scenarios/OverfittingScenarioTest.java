package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.diagnose;
import static dev.trainer.scenarios.Scenario.findings;
import static dev.trainer.scenarios.Scenario.fineTune;
import static dev.trainer.scenarios.Scenario.perEpoch;
import static dev.trainer.scenarios.Scenario.runJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training set far too small for its model: 40 digits trained for 150 epochs memorise the
 * training set while the validation loss climbs back up. The diagnosis names overfitting; the
 * remedy, early stopping, restores and exports the best epoch's weights.
 */
class OverfittingScenarioTest {

    @TempDir
    Path tmp;

    private String[] tinyRun(Path train, String... extra) {
        return Scenario.concat(new String[] {"--model", Scenario.DIGITS_MODEL.toString(), "--train", train.toString(),
                "--val", Scenario.DIGITS_VAL.toString(), "--epochs", "150", "--lr", "0.003", "--batch-size", "8"}, extra);
    }

    private static int argmin(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] < values[best] ? i : best;
        }
        return best;
    }

    @Test
    void aTinyTrainingSetOverfitsAndEarlyStoppingExportsTheBestEpoch() {
        Path train = Scenario.csvRows(Scenario.DIGITS_TRAIN, tmp.resolve("tiny.csv"), (row, label) -> row < 40);

        Path failed = tmp.resolve("overfit");
        var run = fineTune(failed, tinyRun(train));
        String diagnosis = diagnose(failed, run);
        assertTrue(findings(diagnosis).contains("overfitting"), diagnosis);
        double[] valLoss = perEpoch(failed, "val_loss");
        double[] trainLoss = perEpoch(failed, "train_loss");
        int best = argmin(valLoss);
        int last = valLoss.length - 1;
        assertEquals(150, valLoss.length);
        assertTrue(best < last - 10, "the best epoch lies well before the end: " + (best + 1));
        assertTrue(valLoss[last] > 1.05 * valLoss[best], "validation loss rose: " + valLoss[best] + " -> " + valLoss[last]);
        assertTrue(trainLoss[last] < 0.5 * trainLoss[best], "while training loss fell: " + trainLoss[best] + " -> "
                + trainLoss[last]);
        double[] gap = perEpoch(failed, "gap");
        assertTrue(gap[last] > gap[best], "the logged train/val gap widened: " + gap[best] + " -> " + gap[last]);
        assertTrue(diagnosis.contains("--early-stopping-patience"), "suggests early stopping:\n" + diagnosis);

        Path stopped = tmp.resolve("early-stopping");
        var remedy = fineTune(stopped, tinyRun(train, "--early-stopping-patience", "5"));
        double[] stoppedLoss = perEpoch(stopped, "val_loss");
        int stoppedBest = argmin(stoppedLoss);
        assertEquals(stoppedBest + 6, stoppedLoss.length, "stopped 5 epochs after its best");
        assertTrue(stoppedLoss.length < 150);
        var result = runJson(stopped).path("result");
        assertEquals(stoppedBest + 1, result.path("restored_best_epoch").asInt());
        assertTrue(remedy.out().contains("restored the best checkpoint (epoch " + (stoppedBest + 1) + ","), remedy.out());

        var exported = Scenario.evaluate(stopped.resolve("model.onnx"), Scenario.DIGITS_VAL);
        assertEquals(stoppedLoss[stoppedBest], exported.loss(), 1e-5, "the exported model is the best epoch's");
        assertEquals(stoppedLoss[stoppedBest], result.path("val_loss").asDouble(), 1e-12);
        assertTrue(exported.loss() < stoppedLoss[stoppedLoss.length - 1], "better than the last epoch's");
        var overfitted = Scenario.evaluate(failed.resolve("model.onnx"), Scenario.DIGITS_VAL);
        assertEquals(valLoss[last], overfitted.loss(), 1e-5, "without early stopping the last epoch is exported");
        assertTrue(exported.loss() < overfitted.loss() - 0.02, "early stopping exports a better model: "
                + exported.loss() + " vs " + overfitted.loss());
    }
}
