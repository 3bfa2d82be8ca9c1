package dev.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.edit.TrapModels;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's inspection names the traps of exported graphs. */
class InspectionTest {

    @TempDir
    Path tmp;

    private Inspection inspect(OnnxModel model) throws Exception {
        Path file = tmp.resolve("model.onnx");
        Files.write(file, model.proto().toByteArray());
        return Inspection.of(file);
    }

    @Test
    void sharedInitializersAndRandomNodesAreListed() throws Exception {
        Inspection merged = inspect(TrapModels.mergedLayerNorms());
        assertEquals(List.of("ln.weight", "ln.bias"), merged.sharedInitializers());
        assertEquals(List.of(), merged.randomOps());
        assertTrue(merged.ready());

        Inspection dropout = inspect(TrapModels.trainingModeDropout());
        assertEquals(List.of("/dropout/RandomUniformLike"), dropout.randomOps());
        assertTrue(dropout.report().contains("--allow-random-ops"), dropout.report());
        assertTrue(dropout.report().contains(") with --allow-random-ops\n"), "the readiness line names the flag:\n"
                + dropout.report());
        assertTrue(!merged.report().contains("with --allow-random-ops"), merged.report());
    }

    @Test
    void aStatisticMergedWithAScaleDoesNotBlockTraining() throws Exception {
        Inspection bn = inspect(TrapModels.statisticMergedWithScale());
        assertEquals(List.of("bn1.weight"), bn.sharedInitializers());
        assertTrue(bn.ready(), bn.report());
    }
}
