package dev.trainer.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.FreezingConfig;
import dev.trainer.config.ParameterPattern;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainableSelectionTest {

    private static final List<String> BERT = LayerGroupsTest.bert(12);

    private static TrainableSelection select(List<String> freeze, List<String> trainOnly, int bottom, int every) {
        return TrainableSelection.of(BERT, new FreezingConfig(freeze.stream().map(p -> ParameterPattern.parse("--freeze", p))
                .toList(), trainOnly.stream().map(p -> ParameterPattern.parse("--train-only", p)).toList(), bottom, every));
    }

    @Test
    void everythingTrainsByDefault() {
        TrainableSelection s = TrainableSelection.of(BERT, FreezingConfig.DEFAULT);
        assertEquals(BERT, s.trainable());
        assertEquals(List.of(), s.frozen());
        assertEquals(BERT, s.trainableAt(1));
        assertTrue(s.unfrozenAt(2).isEmpty());
    }

    @Test
    void freezeDropsMatchesAndTrainOnlyKeepsThem() {
        TrainableSelection frozen = select(List.of("embeddings", "encoder.layer.*"), List.of(), 0, 0);
        assertEquals(List.of("onnx::MatMul_100", "onnx::MatMul_101"), frozen.trainable().subList(0, 2),
                "folded weights have no module name, so module patterns leave them");
        assertTrue(frozen.trainable().containsAll(List.of("pooler.dense.weight", "classifier.bias")));
        assertFalse(frozen.trainable().contains("encoder.layer.0.output.dense.bias"));

        TrainableSelection only = select(List.of("**.bias"), List.of("classifier", "pooler"), 0, 0);
        assertEquals(List.of("pooler.dense.weight", "classifier.weight"), only.trainable());
        assertEquals(BERT.size() - 2, only.frozen().size());
    }

    @Test
    void freezeBottomFreezesTheLowestGroups() {
        TrainableSelection s = select(List.of(), List.of(), 3, 0);
        assertFalse(s.trainable().contains("embeddings.word_embeddings.weight"));
        assertFalse(s.trainable().contains("encoder.layer.1.output.dense.bias"));
        assertTrue(s.trainable().contains("encoder.layer.2.output.dense.bias"));
        assertEquals(BERT.size() - 4 - 2 * 5, s.trainable().size());
    }

    @Test
    void patternMatchingNothingIsOneClearLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> select(List.of("encodr.*"), List.of(), 0, 0));
        assertEquals("--freeze 'encodr.*' matches no parameter; names look like embeddings.word_embeddings.weight, "
                + BERT.get(BERT.size() / 2) + ", classifier.bias", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> select(List.of(), List.of("head"), 0, 0));
        assertTrue(e.getMessage().startsWith("--train-only 'head' matches no parameter"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> select(List.of("a..b"), List.of(), 0, 0));
        assertTrue(e.getMessage().startsWith("--freeze: parameter pattern 'a..b'"), e.getMessage());
    }

    @Test
    void nothingLeftToTrainIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> select(List.of("**"), List.of(), 0, 0));
        assertEquals("nothing is left to train: --freeze ** freeze all " + BERT.size() + " trainable parameters",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> select(List.of(), List.of(), 14, 0));
        assertEquals("--freeze-bottom 14 freezes all 14 layer groups (embeddings to pooler+classifier); "
                + "nothing is left to train", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FreezingConfig(List.of(), List.of(), -1, 0));
    }

    @Test
    void gradualUnfreezingOpensOneGroupFromTheTopEveryEEpochs() {
        TrainableSelection s = select(List.of(), List.of(), 0, 2);
        assertEquals(List.of("pooler.dense.weight", "pooler.dense.bias", "classifier.weight", "classifier.bias"),
                s.trainableAt(1));
        assertEquals(s.trainableAt(1), s.trainableAt(2));
        assertTrue(s.unfrozenAt(1).isEmpty());
        assertTrue(s.unfrozenAt(2).isEmpty());
        var third = s.unfrozenAt(3).orElseThrow();
        assertEquals(3, third.epoch());
        assertEquals(List.of("encoder.layer.11"), third.groups().stream().map(LayerGroups.Group::label).toList());
        assertEquals(5, third.parameters().size());
        assertEquals(9, third.trainable().size());
        assertEquals(s.trainableAt(3), third.trainable());
        assertEquals(BERT, s.trainableAt(2 * 13 + 1), "all 14 groups open from epoch 27");
        assertEquals(BERT, s.trainableAt(1000));
        assertTrue(s.unfrozenAt(28).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> s.trainableAt(0));
    }

    @Test
    void gradualUnfreezingSkipsGroupsTheUserFroze() {
        TrainableSelection s = select(List.of("pooler", "classifier", "onnx::MatMul_111"), List.of(), 11, 1);
        assertEquals(List.of("encoder.layer.11.attention.self.query.weight", "encoder.layer.11.attention.self.query.bias",
                "encoder.layer.11.output.dense.bias", "encoder.layer.11.output.LayerNorm.weight"),
                s.trainableAt(1), "starts from the topmost group with something to train");
        var second = s.unfrozenAt(2).orElseThrow();
        assertEquals(List.of("encoder.layer.10"), second.groups().stream().map(LayerGroups.Group::label).toList());
        assertEquals(5, second.parameters().size());
        assertEquals(s.trainable(), s.trainableAt(2));
        assertTrue(s.unfrozenAt(3).isEmpty());
    }

    @Test
    void modelOverloadGroupsInGraphOrderAndKeepsInitializerOrder() {
        OnnxModel model = OnnxModel.load(Path.of("src/test/resources/fixtures/cnn/model.onnx"));
        TrainableSelection s = TrainableSelection.of(model, FreezingConfig.DEFAULT);
        List<String> initializers = model.graph().trainableCandidates();
        assertEquals(initializers, s.candidates());
        assertEquals(initializers, s.trainable());
        List<String> graphOrder = model.graph().graphOrder(initializers);
        assertEquals(graphOrder, s.layerGroups().groups().stream().flatMap(g -> g.names().stream()).toList());
    }
}
