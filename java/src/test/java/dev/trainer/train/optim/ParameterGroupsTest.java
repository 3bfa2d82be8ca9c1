package dev.trainer.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.LrGroup;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.Penalty;
import dev.trainer.config.RegularizationConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParameterGroupsTest {

    private static final List<String> BERT = LayerGroupsTest.bert(12);
    private static final LayerGroups LAYERS = LayerGroups.of(BERT);
    private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();
    private static final Set<String> NORMS = Set.of("embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias");

    static {
        for (String name : BERT) {
            boolean vector = name.endsWith(".bias") || name.contains("LayerNorm");
            SHAPES.put(name, vector ? new long[] {8} : new long[] {8, 8});
        }
        SHAPES.put("embeddings.LayerNorm.weight", new long[] {1, 8});
    }

    private static ParameterGroups groups(List<String> lr, double layerDecay, List<String> l1, List<String> l2, boolean all) {
        OptimizerConfig optimizer = new OptimizerConfig(OptimizerKind.ADAMW, 1e-4, 0.9, false, 0.01, 0,
                lr.stream().map(LrGroup::parse).toList(), layerDecay);
        RegularizationConfig penalties = new RegularizationConfig(l1.stream().map(s -> Penalty.parse("--l1", s)).toList(),
                l2.stream().map(s -> Penalty.parse("--l2", s)).toList(), all);
        return ParameterGroups.of(optimizer, penalties, LAYERS, SHAPES, NORMS);
    }

    @Test
    void uniformOptionsGiveOneScaleAndExcludeBiasesAndNorms() {
        ParameterGroups g = ParameterGroups.of(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, 1e-3).withWeightDecay(0.01),
                RegularizationConfig.DEFAULT, LAYERS, SHAPES, NORMS);
        assertEquals(BERT, List.copyOf(g.settings().keySet()));
        for (ParameterSetting s : g.settings().values()) {
            assertEquals(1.0, s.lrScale());
            assertEquals(0, s.l1());
            assertEquals(0, s.l2());
        }
        assertEquals(new ParameterSetting("classifier.weight", 13, 1, 0.01, 0, 0), g.setting("classifier.weight"));
        assertEquals(0.01, g.setting("onnx::MatMul_100").weightDecay());
        assertEquals(0, g.setting("classifier.bias").weightDecay(), "name ends in .bias");
        assertEquals(0, g.setting("encoder.layer.0.output.LayerNorm.weight").weightDecay(), "1-D");
        assertEquals(0, g.setting("embeddings.LayerNorm.weight").weightDecay(), "a normalization node's input, though 2-D");
    }

    @Test
    void layerDecayScalesEachGroupBelowTheTop() {
        ParameterGroups g = groups(List.of(), 0.5, List.of(), List.of(), false);
        assertEquals(1.0, g.setting("classifier.weight").lrScale());
        assertEquals(0.5, g.setting("encoder.layer.11.output.dense.bias").lrScale());
        assertEquals(Math.pow(0.5, 12), g.setting("encoder.layer.0.output.dense.bias").lrScale());
        assertEquals(Math.pow(0.5, 13), g.setting("embeddings.word_embeddings.weight").lrScale());
        assertEquals(12, g.setting("encoder.layer.11.output.dense.bias").group());
    }

    @Test
    void lrGroupSetsOrMultipliesAndTheFirstMatchWins() {
        ParameterGroups g = groups(List.of("classifier.*=1e-3", "encoder.layer.11=x2", "encoder.**=X0.1", "classifier=5"),
                0.5, List.of(), List.of(), false);
        assertEquals(10.0, g.setting("classifier.weight").lrScale(), 1e-12, "absolute: 1e-3 / 1e-4, no layer decay");
        assertEquals(1.0, g.setting("encoder.layer.11.output.dense.bias").lrScale(), 1e-12, "0.5 * 2");
        assertEquals(0.1 * Math.pow(0.5, 12), g.setting("encoder.layer.0.output.dense.bias").lrScale(), 1e-15);
        assertEquals(1.0, g.setting("pooler.dense.weight").lrScale());
    }

    @Test
    void penaltiesTakeAPlainValueAndPatternOverrides() {
        ParameterGroups g = groups(List.of(), 1, List.of("1e-5", "classifier=0"), List.of("encoder.layer.0=0.5", "2e-4"), false);
        ParameterSetting dense = g.setting("pooler.dense.weight");
        assertEquals(1e-5, dense.l1());
        assertEquals(2e-4, dense.l2());
        assertEquals(0, g.setting("classifier.weight").l1());
        assertEquals(0.5, g.setting("encoder.layer.0.attention.self.query.weight").l2());
        assertEquals(0, g.setting("encoder.layer.0.attention.self.query.bias").l2(), "biases stay unregularized");
        ParameterGroups all = groups(List.of(), 1, List.of("1e-5"), List.of("encoder.layer.0=0.5"), true);
        assertEquals(0.5, all.setting("encoder.layer.0.attention.self.query.bias").l2());
        assertEquals(1e-5, all.setting("classifier.bias").l1());
        assertEquals(0.01, all.setting("classifier.bias").weightDecay());
    }

    @Test
    void badSpecsAreOneLineNamingTheOption() {
        assertMessage("--lr-group 'clasifier' matches no parameter; names look like", List.of("clasifier=1e-3"), List.of());
        assertMessage("--lr-group 'classifier' is not PATTERN=VALUE", List.of("classifier"), List.of());
        assertMessage("--lr-group 'classifier=fast': 'fast' is not a number", List.of("classifier=fast"), List.of());
        assertMessage("--lr-group 'classifier=x0': the value must be above zero, got 0", List.of("classifier=x0"), List.of());
        assertMessage("--l1 'abc': 'abc' is not a number", List.of(), List.of("abc"));
        assertMessage("--l1 'fc=-1': the value must be zero or more, got -1", List.of(), List.of("fc=-1"));
        assertMessage("--l1 has two plain values", List.of(), List.of("1e-5", "1e-4"));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerConfig(OptimizerKind.ADAM, 1e-3, 0, false, 0, 0,
                List.of(), 1.5));
        assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, 0));
    }

    private static void assertMessage(String start, List<String> lr, List<String> l1) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> groups(lr, 1, l1, List.of(), false));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
