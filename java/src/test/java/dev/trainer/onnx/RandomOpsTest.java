package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.edit.TrapModels;
import org.junit.jupiter.api.Test;

/** Random ops in a graph exported in training mode, named with the way out. */
class RandomOpsTest {

    @Test
    void findsTheDropoutOfATrainingModeExportByNodeName() {
        RandomOps random = RandomOps.of(TrapModels.trainingModeDropout());
        assertEquals(1, random.nodes().size());
        String d = random.describe();
        assertTrue(d.contains("RandomUniformLike '/dropout/RandomUniformLike'") && d.contains("model.eval()")
                && d.contains("training mode"), d);
    }

    @Test
    void aModelExportedInEvalModeHasNone() {
        assertTrue(RandomOps.of(TrapModels.mergedLayerNorms()).isEmpty());
    }
}
