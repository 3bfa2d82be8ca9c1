package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.distance;
import static dev.trainer.scenarios.Scenario.fineTuneDigits;
import static dev.trainer.scenarios.Scenario.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-trained layers: freezing keeps them bit for bit, the three ways of freezing the bottom layer
 * agree, gradual unfreezing releases it at epoch 2, and per-group learning rates (an explicit
 * multiplier, or layer-wise decay) make it move less than the top.
 */
class FreezingScenarioTest {

    static final List<String> PARAMETERS = List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    static final String ALL_TRAIN = "trainable parameters: 9610 in 4 tensors (100.00% of all); frozen: 0";
    static final String TOP_TRAINS = "trainable parameters: 1290 in 2 tensors (13.42% of all); frozen: 8320";

    @TempDir
    static Path tmp;

    static Path baseline;

    private static Path run(String name, String... flags) {
        Path dir = tmp.resolve(name);
        fineTuneDigits(dir, Scenario.concat(new String[] {"--epochs", "3", "--lr", "0.003"}, flags));
        return dir;
    }

    private static float[] original(String name) {
        return weights(Scenario.DIGITS_MODEL, name);
    }

    private static double moved(Path run, String name) {
        return distance(original(name), weights(run.resolve("model.onnx"), name));
    }

    @BeforeAll
    static void trainBaseline() {
        baseline = run("baseline");
    }

    @Test
    void freezeTrainOnlyAndFreezeBottomKeepTheBottomLayerBitForBitAndAgree() {
        Path freeze = run("freeze", "--freeze", "fc1.*");
        Path trainOnly = run("train-only", "--train-only", "fc2");
        Path bottom = run("freeze-bottom", "--freeze-bottom", "1");
        for (Path dir : List.of(freeze, trainOnly, bottom)) {
            Path model = dir.resolve("model.onnx");
            assertArrayEquals(original("fc1.weight"), weights(model, "fc1.weight"), dir + ": fc1.weight frozen");
            assertArrayEquals(original("fc1.bias"), weights(model, "fc1.bias"), dir + ": fc1.bias frozen");
            assertTrue(moved(dir, "fc2.weight") > 0.01, dir + ": fc2.weight trained");
            assertTrue(moved(dir, "fc2.bias") > 0, dir + ": fc2.bias trained");
            for (String p : PARAMETERS) {
                assertArrayEquals(weights(freeze.resolve("model.onnx"), p), weights(model, p), dir + " same as --freeze: " + p);
            }
            assertEquals(List.of("fc2.weight", "fc2.bias"), Scenario.names(Scenario.runJson(dir).path("model").path("trainable")));
        }
        assertTrue(moved(baseline, "fc1.weight") > 0.1, "without freezing fc1 trains");
    }

    @Test
    void gradualUnfreezingReleasesTheBottomLayerAtEpochTwo() {
        Path frozen = run("freeze-for-comparison", "--freeze-bottom", "1");
        var out = Scenario.fineTuneDigits(tmp.resolve("unfreeze"), "--epochs", "3", "--lr", "0.003", "--unfreeze-every", "1").out();
        List<String> lines = out.lines().toList();
        int start = lines.indexOf(TOP_TRAINS);
        int epoch1 = indexOfPrefix(lines, "epoch   1 ");
        int unfreeze = lines.indexOf("epoch 2: unfroze [fc1]; " + ALL_TRAIN);
        int epoch2 = indexOfPrefix(lines, "epoch   2 ");
        assertTrue(start >= 0 && start < epoch1 && epoch1 < unfreeze && unfreeze < epoch2,
                "counts at the start, the unfreeze between epochs 1 and 2:\n" + out);
        Path dir = tmp.resolve("unfreeze");
        assertTrue(moved(dir, "fc1.weight") > 0.01, "fc1 trained after it was unfrozen");
        assertTrue(moved(dir, "fc2.weight") > 0.01);
        // epoch 1 is the frozen run's epoch 1
        assertEquals(Scenario.perEpoch(frozen, "val_loss")[0], Scenario.perEpoch(dir, "val_loss")[0], 1e-9);
        assertTrue(Scenario.perEpoch(dir, "val_loss")[2] < Scenario.perEpoch(frozen, "val_loss")[2],
                "training both layers from epoch 2 beats keeping fc1 frozen");
    }

    @Test
    void aLowerGroupRateAndLayerDecayMoveTheBottomLayerLess() {
        Path group = run("lr-group", "--lr-group", "fc1.*=x0.01");
        Path decay = run("layer-decay", "--layer-decay", "0.1");
        double base1 = moved(baseline, "fc1.weight");
        double base2 = moved(baseline, "fc2.weight");
        for (Path dir : List.of(group, decay)) {
            double fc1 = moved(dir, "fc1.weight");
            double fc2 = moved(dir, "fc2.weight");
            assertTrue(fc1 > 0, dir + ": fc1 still trains");
            assertTrue(fc1 < 0.3 * base1, dir + ": fc1 moved " + fc1 + " vs " + base1 + " at the full rate");
            assertTrue(fc2 > 0.5 * base2, dir + ": fc2 trains at the full rate: " + fc2 + " vs " + base2);
        }
        assertTrue(moved(group, "fc1.weight") < moved(decay, "fc1.weight"), "x0.01 holds fc1 back more than x0.1");
        assertEquals(List.of("fc1.*=x0.01"), Scenario.names(Scenario.runJson(group).path("config").path("optimizer").path("lr_groups")));
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with '" + prefix + "' in " + Arrays.toString(lines.toArray()));
    }
}
