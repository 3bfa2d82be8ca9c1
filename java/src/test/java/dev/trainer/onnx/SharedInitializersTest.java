package dev.trainer.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.runtime.ShapeInference;
import dev.trainer.train.TrainableParameters;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Finding shared initializers, telling merges from intended tying, and untying them. */
class SharedInitializersTest {

    private static Set<String> initializers(OnnxModel m) {
        return m.proto().getGraph().getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
    }

    private static NodeProto node(OnnxModel m, String name) {
        return m.proto().getGraph().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] values(OnnxModel m, String name) {
        TensorProto t = m.proto().getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name))
                .findFirst().orElseThrow();
        var floats = m.initializerBytes(t).asFloatBuffer();
        float[] out = new float[floats.remaining()];
        floats.get(out);
        return out;
    }

    @Test
    void aStatisticMergedThroughAnIdentityGetsItsOwnCopyBack() {
        OnnxModel model = TrapModels.statisticMergedWithScale();
        SharedInitializers shared = SharedInitializers.of(model);
        assertEquals(1, shared.tensors().size());
        SharedInitializers.Shared scale = shared.tensors().getFirst();
        assertEquals("bn1.weight", scale.name());
        assertEquals(List.of("bn1#1", "bn2#4"), scale.uses().stream().map(u -> u.nodeName() + "#" + u.slot()).toList());
        assertTrue(scale.statistic());
        assertFalse(scale.merged());
        // as exported, training bn1.weight would need a gradient through bn2's running variance
        Throwable blocked = assertThrows(ModelException.class, () -> ReverseMode.differentiate(model,
                TrainableParameters.of(model), List.of("logits"), ShapeInference.infer(model)));
        assertTrue(blocked.getMessage().contains("running statistics"), blocked.getMessage());

        OnnxModel untied = UntieSharedInitializers.statistics(model, shared);
        assertEquals("bn2.running_var", node(untied, "bn2").getInput(4));
        assertEquals("bn1.weight", node(untied, "bn1").getInput(1));
        assertTrue(untied.proto().getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Identity")));
        assertArrayEquals(values(untied, "bn1.weight"), values(untied, "bn2.running_var"));
        assertFalse(TrainableParameters.of(untied).contains("bn2.running_var"));
        ReverseMode.differentiate(untied, TrainableParameters.of(untied), List.of("logits"), ShapeInference.infer(untied));
        assertTrue(SharedInitializers.of(untied).isEmpty());
    }

    @Test
    void layerNormWeightsOfOnesReadByEveryLayerLookMergedAndUntieIntoOneTensorPerUse() {
        OnnxModel model = TrapModels.mergedLayerNorms();
        SharedInitializers shared = SharedInitializers.of(model);
        assertEquals(List.of("ln.weight", "ln.bias"), shared.tensors().stream().map(SharedInitializers.Shared::name).toList());
        assertTrue(shared.tensors().stream().allMatch(t -> t.merged() && !t.statistic()));
        assertSame(model, UntieSharedInitializers.statistics(model, shared), "no statistic to untie");

        OnnxModel untied = UntieSharedInitializers.all(model, shared);
        assertEquals(Set.of("fc1.weight", "fc2.weight", "fc3.weight", "ln.weight", "ln.weight.1", "ln.bias", "ln.bias.1"),
                initializers(untied));
        assertEquals(List.of("h1", "ln.weight", "ln.bias"), node(untied, "ln1").getInputList());
        assertEquals(List.of("h2", "ln.weight.1", "ln.bias.1"), node(untied, "ln2").getInputList());
        assertArrayEquals(values(model, "ln.weight"), values(untied, "ln.weight.1"));
        assertTrue(SharedInitializers.of(untied).isEmpty());
        assertTrue(shared.describe().contains("--untie-shared"), shared.describe());
    }

    @Test
    void anEmbeddingReusedAsOutputProjectionLooksTiedOnPurpose() {
        OnnxModel model = TrapModels.tiedEmbedding();
        SharedInitializers shared = SharedInitializers.of(model);
        SharedInitializers.Shared table = shared.tensors().getFirst();
        assertEquals("embedding.weight", table.name());
        assertFalse(table.merged());
        assertFalse(table.statistic());
        assertTrue(shared.describe().contains("tied embedding"), shared.describe());
        OnnxModel untied = UntieSharedInitializers.all(model, shared);
        assertEquals(Set.of("axis", "embedding.weight", "embedding.weight.1"), initializers(untied));
    }

    @Test
    void untyingAllKeepsStatisticsSharedAndRestoresTheNamesTheIdentitiesCarried() {
        OnnxModel model = TrapModels.statisticMergedWithScale();
        OnnxModel untied = UntieSharedInitializers.all(model, SharedInitializers.of(model));
        assertEquals("bn1.weight", node(untied, "bn1").getInput(1));
        assertEquals("bn2.running_var", node(untied, "bn2").getInput(4));
        assertEquals(initializers(model).size() + 1, initializers(untied).size());
    }
}
