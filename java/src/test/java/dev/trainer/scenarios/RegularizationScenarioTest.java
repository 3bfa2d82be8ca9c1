package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.fineTuneDigits;
import static dev.trainer.scenarios.Scenario.norm;
import static dev.trainer.scenarios.Scenario.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regularization: an L2 penalty shrinks the weights it applies to, biases are left out of decay
 * and penalties unless {@code --regularize-all}, and mixup trains while it makes the data harder.
 */
class RegularizationScenarioTest {

    @TempDir
    Path tmp;

    private Path run(String name, String... flags) {
        Path dir = tmp.resolve(name);
        fineTuneDigits(dir, Scenario.concat(new String[] {"--epochs", "3", "--lr", "0.003"}, flags));
        return dir;
    }

    @Test
    void l2ShrinksTheWeightsItPenalizes() {
        Path plain = run("plain");
        Path all = run("l2", "--l2", "0.05");
        Path fc1 = run("l2-fc1", "--l2", "fc1.weight=0.05");
        for (String w : new String[] {"fc1.weight", "fc2.weight"}) {
            double free = norm(weights(plain.resolve("model.onnx"), w));
            double penalized = norm(weights(all.resolve("model.onnx"), w));
            assertTrue(penalized < 0.8 * free, w + ": ||w|| " + free + " without, " + penalized + " with --l2 0.05");
        }
        double fc1Free = norm(weights(plain.resolve("model.onnx"), "fc1.weight"));
        assertTrue(norm(weights(fc1.resolve("model.onnx"), "fc1.weight")) < 0.8 * fc1Free, "the pattern penalizes fc1");
        assertTrue(norm(weights(fc1.resolve("model.onnx"), "fc2.weight"))
                > norm(weights(all.resolve("model.onnx"), "fc2.weight")), "and leaves fc2 freer than the global penalty");
        // the step loss includes the penalty: the first step's loss is higher with it
        double plainFirst = Scenario.events(plain, "step").getFirst().path("loss").asDouble();
        double penalizedFirst = Scenario.events(all, "step").getFirst().path("loss").asDouble();
        assertTrue(penalizedFirst > plainFirst, plainFirst + " vs " + penalizedFirst);
    }

    /**
     * With only the biases training, the weights (and so the gradients of the biases) are the same
     * in every run; the biases then differ only through decay or penalties applied to them.
     */
    @Test
    void biasesAreExcludedFromDecayUnlessRegularizeAll() {
        Path free = run("biases", "--train-only", "**.bias");
        Path decayed = run("biases-decay", "--train-only", "**.bias", "--weight-decay", "0.5", "--l2", "0.5", "--l1", "0.01");
        Path all = run("biases-all", "--train-only", "**.bias", "--weight-decay", "0.5", "--l2", "0.5", "--l1", "0.01",
                "--regularize-all");
        for (String b : new String[] {"fc1.bias", "fc2.bias"}) {
            float[] trained = weights(free.resolve("model.onnx"), b);
            assertFalse(Arrays.equals(weights(Scenario.DIGITS_MODEL, b), trained), b + " trains");
            assertArrayEquals(trained, weights(decayed.resolve("model.onnx"), b), b + " untouched by decay and penalties");
            assertTrue(norm(weights(all.resolve("model.onnx"), b)) < 0.8 * norm(trained),
                    b + " decays with --regularize-all: " + norm(trained) + " -> " + norm(weights(all.resolve("model.onnx"), b)));
        }
    }

    @Test
    void mixupStillLearns() {
        double shipped = Scenario.evaluate(Scenario.DIGITS_MODEL, Scenario.DIGITS_VAL).accuracy();
        Path mixed = run("mixup", "--mixup", "0.4");
        double[] accuracy = Scenario.perEpoch(mixed, "val_accuracy");
        assertTrue(accuracy[2] > shipped + 0.05, "mixup 0.4 learns: " + shipped + " -> " + accuracy[2]);
        assertEquals(0.4, Scenario.runJson(mixed).path("config").path("balance").path("mixup").asDouble());
        double[] trainLoss = Scenario.perEpoch(mixed, "train_loss");
        double[] valLoss = Scenario.perEpoch(mixed, "val_loss");
        assertTrue(trainLoss[2] > valLoss[2], "mixed training batches are harder than the real validation data: "
                + trainLoss[2] + " vs " + valLoss[2]);
    }
}
