package dev.trainer.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerGroupsTest {

    /** A small BERT classifier's names, in graph order, with a folded MatMul weight inside a layer. */
    static List<String> bert(int layers) {
        List<String> names = new ArrayList<>(List.of("embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"));
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            names.addAll(List.of(p + "attention.self.query.weight", p + "attention.self.query.bias",
                    "onnx::MatMul_" + (100 + i), p + "output.dense.bias", p + "output.LayerNorm.weight"));
        }
        names.addAll(List.of("pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"));
        return names;
    }

    @Test
    void transformerHasEmbeddingsThenEachLayerThenTheHead() {
        LayerGroups g = LayerGroups.of(bert(12));
        assertTrue(g.numbered());
        assertEquals(14, g.depth());
        assertEquals("embeddings", g.groups().get(0).label());
        assertEquals(4, g.groups().get(0).names().size());
        for (int i = 0; i < 12; i++) {
            assertEquals("encoder.layer." + i, g.groups().get(i + 1).label());
            assertEquals(i + 1, g.groupOf("encoder.layer." + i + ".output.dense.bias"));
        }
        assertEquals(3, g.groupOf("onnx::MatMul_102"), "a folded weight joins the layer before it");
        assertEquals("pooler+classifier", g.groups().get(13).label());
        assertEquals(13, g.groupOf("classifier.bias"));
        for (int i = 0; i < g.depth(); i++) {
            assertEquals(i, g.groups().get(i).index());
        }
    }

    @Test
    void resnetStagesGiveOneGroupPerBlock() {
        LayerGroups g = LayerGroups.of(List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight",
                "layer1.1.conv1.weight", "layer2.0.conv1.weight", "layer2.0.downsample.0.weight",
                "layer2.1.conv1.weight", "fc.weight", "fc.bias"));
        assertEquals(List.of("conv1+bn1", "layer1.0", "layer1.1", "layer2.0", "layer2.1", "fc"),
                g.groups().stream().map(LayerGroups.Group::label).toList());
        assertEquals(3, g.groupOf("layer2.0.downsample.0.weight"));
    }

    @Test
    void rootSequentialNumbersAreBlocksAndStemOrHeadMayBeMissing() {
        LayerGroups g = LayerGroups.of(List.of("0.weight", "0.bias", "2.weight", "2.bias"));
        assertEquals(List.of("0", "2"), g.groups().stream().map(LayerGroups.Group::label).toList());
    }

    @Test
    void withoutNumbersEachModuleIsAGroupInGraphOrder() {
        LayerGroups mlp = LayerGroups.of(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"));
        assertFalse(mlp.numbered());
        assertEquals(List.of("fc1", "fc2"), mlp.groups().stream().map(LayerGroups.Group::label).toList());
        LayerGroups cnn = LayerGroups.of(List.of("conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias",
                "conv2.weight", "fc.weight", "fc.bias", "conv1.weight"));
        assertEquals(List.of("conv1", "bn1", "conv2", "fc"), cnn.groups().stream().map(LayerGroups.Group::label).toList());
        assertEquals(3, cnn.groupOf("fc.bias"));
        assertEquals(List.of("conv1.weight", "conv1.bias"), cnn.groups().get(0).names(), "duplicates count once");
    }

    @Test
    void blockIsThePrefixThroughTheFirstInnerNumber() {
        assertEquals("encoder.layer.3", LayerGroups.blockOf("encoder.layer.3.attention.self.query.weight"));
        assertEquals("features.1", LayerGroups.blockOf("features.1.conv.0.0.weight"));
        assertNull(LayerGroups.blockOf("head.0"), "a trailing number names a tensor, not a block");
        assertNull(LayerGroups.blockOf("fc1.weight"));
    }

    @Test
    void unknownNameIsAnError() {
        LayerGroups g = LayerGroups.of(List.of("fc.weight"));
        assertThrows(IllegalArgumentException.class, () -> g.groupOf("fc.bias"));
    }
}
