package dev.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.config.Augmentation;
import dev.trainer.config.BalanceConfig;
import dev.trainer.config.ClassWeights;
import dev.trainer.config.DataConfig;
import dev.trainer.config.Device;
import dev.trainer.config.DistributedMode;
import dev.trainer.config.FreezingConfig;
import dev.trainer.config.GraphTraps;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.ImageConfig;
import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.LossConfig;
import dev.trainer.config.LoraConfig;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.LossKind;
import dev.trainer.config.LrGroup;
import dev.trainer.config.LrSchedule;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.NormalizeMethod;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.ParameterPattern;
import dev.trainer.config.Penalty;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.Pooling;
import dev.trainer.config.NonFinitePolicy;
import dev.trainer.config.RecoveryConfig;
import dev.trainer.config.RegularizationConfig;
import dev.trainer.config.ReportingConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.config.SamplerKind;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.config.Sink;
import dev.trainer.config.StoppingConfig;
import dev.trainer.config.StoppingMetric;
import dev.trainer.config.TextConfig;
import dev.trainer.config.Warmup;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** run.json's {@code config} object: what is written reads back equal, and reads like the command line. */
class ConfigJsonTest {

    /** Every field away from its default, so that a field the mapping drops cannot go unnoticed. */
    static RunConfig everything() {
        return new RunConfig(
                new ModelConfig(Path.of("models/m.onnx"), "last_hidden_state", new HeadSpec(4, Pooling.CLS), 0, false,
                        new GraphTraps(true, true)),
                new DataConfig(Path.of("train.csv"), null, 0.2, "y", "w", NormalizeMethod.MINMAX),
                new TextConfig(Path.of("tok/tokenizer.json"), 64),
                new ImageConfig(new ImageSize(20, 30), ImageNormalization.parse("0.1,0.2,0.3,1,2,3"), true, 3),
                new LossConfig(LossKind.CROSS_ENTROPY, 0.1),
                new LoopConfig(7, 16, 2, 300, false, 3, 20, 5),
                new OptimizerConfig(OptimizerKind.MOMENTUM, 0.05, 0.8, true, 1e-4, 2.5,
                        List.of(LrGroup.parse("fc1.*=x0.01"), LrGroup.parse("head=3e-3")), 0.9),
                new ScheduleConfig(new LrSchedule.CosineRestarts(10, 2, 1e-6), new Warmup.Ratio(0.1)),
                new RegularizationConfig(List.of(Penalty.parse("--l1", "1e-5"), Penalty.parse("--l1", "fc2=0")),
                        List.of(Penalty.parse("--l2", "**.weight=0.5")), true),
                new BalanceConfig(new ClassWeights.Explicit(List.of(1.0, 2.5, 0.0)), SamplerKind.OVERSAMPLE,
                        Augmentation.parse("flip,crop:4,rotate:7.5,smote:3"), 0.4),
                new StoppingConfig(4, StoppingMetric.VAL_MACRO_F1, 0.01),
                new ReportingConfig(3, java.util.Set.of(Sink.CSV, Sink.TENSORBOARD)),
                new FreezingConfig(List.of(ParameterPattern.parse("embeddings")), List.of(ParameterPattern.parse("**")), 1, 2),
                new LoraConfig(new LoraSpec(8, 16, 0.1), List.of(ParameterPattern.parse("**.query")),
                        List.of(ParameterPattern.parse("pooler")), true),
                new RuntimeConfig(new Device("cuda", 1), RuntimeApi.CAPI, 2, DistributedMode.NONE, RecomputeMode.SEGMENTS),
                new RecoveryConfig(50, 3, NonFinitePolicy.STOP));
    }

    @Test
    void everyFieldRoundTrips() {
        RunConfig config = everything();
        JsonNode tree = ConfigJson.toTree(config);

        assertEquals(config, ConfigJson.fromTree(tree));
        assertEquals(RunConfig.defaults(Path.of("m.onnx")),
                ConfigJson.fromTree(ConfigJson.toTree(RunConfig.defaults(Path.of("m.onnx")))));
    }

    @Test
    void optionValuesAreWrittenAsTheCommandLineSpellsThem() {
        JsonNode tree = ConfigJson.toTree(everything());

        assertEquals("models/m.onnx", tree.path("model").path("file").asText());
        assertEquals("classify:4:pool=cls", tree.path("model").path("head").asText());
        assertEquals("momentum", tree.path("optimizer").path("kind").asText());
        assertEquals(List.of("fc1.*=x0.01", "head=0.003"), names(tree.path("optimizer").path("lr_groups")));
        assertEquals("cosine-restarts:10:2:1.0E-6", tree.path("schedule").path("schedule").asText());
        assertEquals("ratio:0.1", tree.path("schedule").path("warmup").asText());
        assertEquals(List.of("1.0E-5", "fc2=0.0"), names(tree.path("regularization").path("l1")));
        assertEquals("1,2.5,0", tree.path("balance").path("class_weights").asText());
        assertEquals("oversample", tree.path("balance").path("sampler").asText());
        assertEquals("flip,crop:4,rotate:7.5,smote:3", tree.path("balance").path("augment").asText());
        assertEquals("20x30", tree.path("images").path("size").asText());
        assertEquals("0.1,0.2,0.3,1.0,2.0,3.0", tree.path("images").path("normalization").asText());
        assertEquals(3, tree.path("images").path("decode_threads").asInt());
        assertEquals("val_macro_f1", tree.path("stopping").path("metric").asText());
        assertEquals(3, tree.path("reporting").path("top_k").asInt());
        assertEquals("cuda:1", tree.path("runtime").path("device").asText());
        assertEquals("none", tree.path("runtime").path("distributed").asText());
        assertEquals("segments", tree.path("runtime").path("recompute").asText());
        assertEquals(16, tree.path("loop").path("batch_size").asInt());
        assertEquals(2, tree.path("loop").path("grad_accum").asInt());
        assertEquals("8:16:0.1", tree.path("lora").path("adapter").asText());
        assertEquals(List.of("**.query"), names(tree.path("lora").path("targets")));
        assertTrue(tree.path("data").path("validation").isNull());
        assertTrue(tree.path("model").path("traps").path("untie_shared").asBoolean());
        assertTrue(tree.path("model").path("traps").path("allow_random_ops").asBoolean());
    }

    @Test
    void aRunWrittenBeforeTheTrapsHadSettingsReadsBackWithTheirDefaults() {
        ObjectNode tree = (ObjectNode) ConfigJson.toTree(RunConfig.defaults(Path.of("m.onnx"))
                .with(ModelConfig.of(Path.of("m.onnx")).with(new GraphTraps(true, false))));
        ((ObjectNode) tree.path("model")).remove("traps");
        assertEquals(GraphTraps.DEFAULT, ConfigJson.fromTree(tree).model().traps());
    }

    @Test
    void sectionsAndSettingsAnOlderRunJsonLacksTakeTheirDefaults() {
        ObjectNode tree = (ObjectNode) ConfigJson.toTree(everything());
        tree.remove("images");
        tree.remove("reporting");
        ((ObjectNode) tree.path("loop")).remove("stats_every");

        RunConfig read = ConfigJson.fromTree(tree);

        assertEquals(ImageConfig.DEFAULT, read.images());
        assertEquals(ReportingConfig.DEFAULT, read.reporting());
        assertEquals(LoopConfig.DEFAULT.statsEvery(), read.loop().statsEvery());
        assertEquals(everything().optimizer(), read.optimizer(), "what the tree has is kept");
        assertEquals(Path.of("models/m.onnx"), read.model().file());
    }

    @Test
    void aRecordFromBeforeDataParallelismReadsAsAuto() {
        ObjectNode tree = (ObjectNode) ConfigJson.toTree(everything());
        ((ObjectNode) tree.path("runtime")).remove("distributed");
        assertEquals(DistributedMode.AUTO, ConfigJson.fromTree(tree).runtime().distributed());
    }

    @Test
    void aBadValueReadsBackAsOneLineNamingIt() {
        ObjectNode tree = (ObjectNode) ConfigJson.toTree(everything());
        ((ObjectNode) tree.path("schedule")).put("schedule", "cosin");
        String message = assertThrows(IllegalArgumentException.class, () -> ConfigJson.fromTree(tree)).getMessage();
        assertTrue(message.contains("--lr-schedule 'cosin': unknown schedule"), message);
        assertFalse(message.contains("\n"), message);

        ObjectNode split = (ObjectNode) ConfigJson.toTree(everything());
        ((ObjectNode) split.path("data")).put("validation", "val.csv");
        message = assertThrows(IllegalArgumentException.class, () -> ConfigJson.fromTree(split)).getMessage();
        assertTrue(message.contains("give either --val or --val-split, not both"), message);
    }

    private static List<String> names(JsonNode array) {
        return new ObjectMapper().convertValue(array, new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
    }
}
