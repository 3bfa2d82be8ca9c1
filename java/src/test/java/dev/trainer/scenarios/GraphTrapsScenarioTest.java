package dev.trainer.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.cli.Cli;
import dev.trainer.edit.TrapModels;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two traps of exported graphs, through the command line: random ops and shared initializers. */
class GraphTrapsScenarioTest {

    @TempDir
    Path tmp;

    private Path save(OnnxModel model, String name) throws Exception {
        Path file = tmp.resolve(name);
        Files.write(file, model.proto().toByteArray());
        return file;
    }

    private Cli.Outcome fineTune(Path model, Path data, String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("fine-tune", "--model", model.toString(), "--train", data.toString(),
                "--out", tmp.resolve(out).toString(), "--optimizer", "sgd", "--lr", "0.5",
                "--batch-size", "8", "--no-shuffle", "--epochs", "1"));
        args.addAll(Arrays.asList(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void randomOpsAreNamedByInspectAndRefusedByFineTuneUnlessAllowed() throws Exception {
        Path model = save(TrapModels.trainingModeDropout(), "dropout.onnx");
        Path data = tmp.resolve("data.npz");
        TrapModels.writeData(data, "x", 4);

        Cli.Outcome inspect = Cli.run("inspect", "--model", model.toString());
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("random ops: the model holds 1 random op (RandomUniformLike '/dropout/RandomUniformLike')")
                && inspect.out().contains("--allow-random-ops"), inspect.out());

        Cli.Outcome refused = fineTune(model, data, "refused");
        assertEquals(2, refused.code());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains("RandomUniformLike '/dropout/RandomUniformLike'")
                && refused.err().contains("eval mode") && refused.err().contains("--allow-random-ops"), refused.err());
        assertFalse(Files.exists(tmp.resolve("refused")) && Files.list(tmp.resolve("refused")).findAny().isPresent());

        Cli.Outcome allowed = fineTune(model, data, "allowed", "--allow-random-ops");
        assertEquals(0, allowed.code(), allowed.err());
        assertTrue(allowed.out().contains("warning: the model holds 1 random op"), allowed.out());
    }

    @Test
    void mergedLayerNormsTrainTiedWithAWarningOrApartWithUntieShared() throws Exception {
        Path model = save(TrapModels.mergedLayerNorms(), "layernorms.onnx");
        Path data = tmp.resolve("data.npz");
        TrapModels.writeData(data, "x", 4);

        Cli.Outcome tied = fineTune(model, data, "tied");
        assertEquals(0, tied.code(), tied.err());
        assertTrue(tied.out().contains("warning: 2 initializers look like the exporter's merges of equal tensors (e.g. ln.weight,"
                + " read by 2 nodes)"), tied.out());
        assertEquals(5, OnnxModel.load(tmp.resolve("tied/model.onnx")).proto().getGraph().getInitializerCount());

        Cli.Outcome apart = fineTune(model, data, "apart", "--untie-shared");
        assertEquals(0, apart.code(), apart.err());
        Path exported = tmp.resolve("apart/model.onnx");
        float[] first = Scenario.weights(exported, "ln.weight");
        float[] second = Scenario.weights(exported, "ln.weight_1");
        assertFalse(Arrays.equals(first, second), "the two LayerNorms' weights must have trained apart");
        assertFalse(Arrays.equals(Scenario.weights(exported, "ln.bias"), Scenario.weights(exported, "ln.bias_1")));
        assertEquals(7, OnnxModel.load(exported).proto().getGraph().getInitializerCount());
    }

    @Test
    void aRunningVarianceMergedWithAScaleIsUntiedAndStaysFrozen() throws Exception {
        OnnxModel original = TrapModels.statisticMergedWithScale();
        Path model = save(original, "bn.onnx");
        Path data = tmp.resolve("data.npz");
        TrapModels.writeData(data, "x", 2, 3, 3);

        Cli.Outcome inspect = Cli.run("inspect", "--model", model.toString());
        assertTrue(inspect.out().contains("a BatchNormalization statistic merged with a parameter")
                && inspect.out().contains("training: ready"), inspect.out());

        Cli.Outcome run = fineTune(model, data, "run");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("untied 1 BatchNormalization statistics merged with a parameter (e.g. bn1.weight)"), run.out());
        Path exported = tmp.resolve("run/model.onnx");
        assertArrayEquals(new float[] {1, 1}, Scenario.weights(exported, "bn2.running_var"), "statistics never train");
        assertFalse(Arrays.equals(new float[] {1, 1}, Scenario.weights(exported, "bn1.weight")), "the scale trains");
    }
}
