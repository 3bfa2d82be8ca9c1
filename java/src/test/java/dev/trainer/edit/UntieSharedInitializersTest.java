package dev.trainer.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.autodiff.ReverseMode;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.SharedInitializers;
import dev.trainer.runtime.ShapeInference;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Giving the uses of shared initializers their own copies, named as the parameters they stood for. */
class UntieSharedInitializersTest {

    private static Set<String> initializers(OnnxModel m) {
        return m.graph().initializersByName().keySet();
    }

    private static NodeProto node(OnnxModel m, String name) {
        return m.graph().nodes().stream().filter(n -> n.getName().equals(name)).findFirst().orElseThrow();
    }

    private static float[] values(OnnxModel m, String name) {
        TensorProto t = m.graph().initializer(name);
        var floats = m.initializerBytes(t).asFloatBuffer();
        float[] out = new float[floats.remaining()];
        floats.get(out);
        return out;
    }

    @Test
    void aStatisticMergedThroughAnIdentityGetsItsOwnFrozenCopyBackUnderTheNameTheIdentityCarried() {
        OnnxModel model = TrapModels.statisticMergedWithScale();
        SharedInitializers shared = SharedInitializers.of(model);
        for (OnnxModel untied : List.of(UntieSharedInitializers.statistics(model, shared),
                UntieSharedInitializers.all(model, shared))) {
            assertEquals("bn2.running_var", node(untied, "bn2").getInput(4));
            assertEquals("bn1.weight", node(untied, "bn1").getInput(1));
            assertTrue(untied.graph().nodes().stream().noneMatch(n -> n.getOpType().equals("Identity")));
            assertEquals(initializers(model).size() + 1, initializers(untied).size());
            assertArrayEquals(values(untied, "bn1.weight"), values(untied, "bn2.running_var"));
            assertFalse(untied.graph().trainableCandidates().contains("bn2.running_var"));
            ReverseMode.differentiate(untied, untied.graph().trainableCandidates(), List.of("logits"),
                    ShapeInference.infer(untied));
            assertTrue(SharedInitializers.of(untied).isEmpty());
        }
    }

    @Test
    void mergedLayerNormsUntieIntoOneTensorPerUse() {
        OnnxModel model = TrapModels.mergedLayerNorms();
        SharedInitializers shared = SharedInitializers.of(model);
        assertSame(model, UntieSharedInitializers.statistics(model, shared), "no statistic to untie");

        OnnxModel untied = UntieSharedInitializers.all(model, shared);
        assertEquals(Set.of("fc1.weight", "fc2.weight", "fc3.weight", "ln.weight", "ln.weight_1", "ln.bias", "ln.bias_1"),
                initializers(untied));
        assertEquals(List.of("h1", "ln.weight", "ln.bias"), node(untied, "ln1").getInputList());
        assertEquals(List.of("h2", "ln.weight_1", "ln.bias_1"), node(untied, "ln2").getInputList());
        assertArrayEquals(values(model, "ln.weight"), values(untied, "ln.weight_1"));
        assertTrue(SharedInitializers.of(untied).isEmpty());
    }

    @Test
    void aTiedEmbeddingUntiesWhenAsked() {
        OnnxModel model = TrapModels.tiedEmbedding();
        OnnxModel untied = UntieSharedInitializers.all(model, SharedInitializers.of(model));
        assertEquals(Set.of("axis", "embedding.weight", "embedding.weight_1"), initializers(untied));
    }
}
