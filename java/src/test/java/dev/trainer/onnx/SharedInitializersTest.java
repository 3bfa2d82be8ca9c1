package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.ModelException;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.edit.TrapModels;
import dev.trainer.runtime.ShapeInference;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding shared initializers, and telling the exporter's merges from intended tying. */
class SharedInitializersTest {

    @Test
    void aStatisticMergedThroughAnIdentityIsFoundWithItsReaders() {
        OnnxModel model = TrapModels.statisticMergedWithScale();
        SharedInitializers shared = SharedInitializers.of(model);
        assertEquals(1, shared.tensors().size());
        SharedInitializers.Shared scale = shared.tensors().getFirst();
        assertEquals("bn1.weight", scale.name());
        assertEquals(List.of("bn1#1", "bn2#4"), scale.uses().stream().map(u -> u.nodeName() + "#" + u.slot()).toList());
        assertEquals(List.of("bn1.weight", "bn2.running_var"), scale.uses().stream().map(SharedInitializers.Use::alias).toList());
        assertTrue(scale.statistic());
        assertFalse(scale.merged());
        assertEquals(List.of(scale), shared.statisticMerges());
        assertTrue(shared.describe().contains("a BatchNormalization statistic merged with a parameter"), shared.describe());
        // as exported, training bn1.weight would need a gradient through bn2's running variance
        Throwable blocked = assertThrows(ModelException.class, () -> ReverseMode.differentiate(model,
                model.graph().trainableCandidates(), List.of("logits"), ShapeInference.infer(model)));
        assertTrue(blocked.getMessage().contains("running statistics"), blocked.getMessage());
    }

    @Test
    void layerNormWeightsOfOnesReadByEveryLayerLookMerged() {
        SharedInitializers shared = SharedInitializers.of(TrapModels.mergedLayerNorms());
        assertEquals(List.of("ln.weight", "ln.bias"), shared.tensors().stream().map(SharedInitializers.Shared::name).toList());
        assertTrue(shared.tensors().stream().allMatch(t -> t.merged() && !t.statistic()));
        assertEquals(shared.tensors(), shared.merges());
        assertTrue(shared.statisticMerges().isEmpty());
        assertTrue(shared.describe().contains("LayerNormalization input 1 x2 ('ln1', ...)")
                && shared.describe().contains("--untie-shared"), shared.describe());
    }

    @Test
    void anEmbeddingReusedAsOutputProjectionLooksTiedOnPurpose() {
        SharedInitializers shared = SharedInitializers.of(TrapModels.tiedEmbedding());
        SharedInitializers.Shared table = shared.tensors().getFirst();
        assertEquals("embedding.weight", table.name());
        assertFalse(table.merged());
        assertFalse(table.statistic());
        assertTrue(shared.merges().isEmpty());
        assertTrue(shared.describe().contains("tied embedding"), shared.describe());
    }

    @Test
    void aModelWithoutSharingHasNone() {
        assertTrue(SharedInitializers.of(TrapModels.trainingModeDropout()).isEmpty());
    }
}
