package dev.trainer.edit;

import static dev.trainer.edit.HeadModels.HIDDEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.ModelException;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.LossKind;
import dev.trainer.config.Pooling;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.run.ModelExport;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassificationHeadTest {

    private static final int CLASSES = 3;
    private static final long[][] IDS = {{1, 2, 3, 4, 5}, {6, 0, 4, 4, 4}, {2, 2, 5, 1, 3}};
    /** Different lengths per sample; the padded positions hold ids that must not count. */
    private static final long[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}, {1, 1, 1, 0, 0}};

    @ParameterizedTest
    @ValueSource(longs = {11, 13, 17, 18, 20})
    void meanPoolingCountsOnlyTheMaskedPositions(long opset) {
        HeadEdit edit = ClassificationHead.attach(HeadModels.backbone(opset, true), new HeadSpec(CLASSES, Pooling.MEAN), 7);
        Map<String, HeadModels.Result> out = HeadModels.run(edit.model(), Map.of("input_ids", IDS, "attention_mask", MASK));
        float[] hidden = out.get("last_hidden_state").values();
        float[][] pooled = new float[IDS.length][HIDDEN];
        for (int b = 0; b < IDS.length; b++) {
            int count = 0;
            for (int s = 0; s < MASK[b].length; s++) {
                if (MASK[b][s] == 1) {
                    count++;
                    for (int h = 0; h < HIDDEN; h++) {
                        pooled[b][h] += hidden[(b * MASK[b].length + s) * HIDDEN + h];
                    }
                }
            }
            for (int h = 0; h < HIDDEN; h++) {
                pooled[b][h] /= count;
            }
        }
        assertLogits(edit, pooled, out.get("logits"));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 18})
    void meanPoolingWithoutAMaskAveragesEveryPosition(long opset) {
        HeadEdit edit = ClassificationHead.attach(HeadModels.backbone(opset, false), new HeadSpec(CLASSES, Pooling.MEAN), 7);
        Map<String, HeadModels.Result> out = HeadModels.run(edit.model(), Map.of("input_ids", IDS));
        float[] hidden = out.get("last_hidden_state").values();
        float[][] pooled = new float[IDS.length][HIDDEN];
        int seq = IDS[0].length;
        for (int b = 0; b < IDS.length; b++) {
            for (int s = 0; s < seq; s++) {
                for (int h = 0; h < HIDDEN; h++) {
                    pooled[b][h] += hidden[(b * seq + s) * HIDDEN + h] / seq;
                }
            }
        }
        assertLogits(edit, pooled, out.get("logits"));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 13, 18})
    void clsPoolingReadsTheFirstPosition(long opset) {
        HeadEdit edit = ClassificationHead.attach(HeadModels.backbone(opset, true), new HeadSpec(CLASSES, Pooling.CLS), 7);
        Map<String, HeadModels.Result> out = HeadModels.run(edit.model(), Map.of("input_ids", IDS, "attention_mask", MASK));
        float[] hidden = out.get("last_hidden_state").values();
        int seq = IDS[0].length;
        float[][] pooled = new float[IDS.length][];
        for (int b = 0; b < IDS.length; b++) {
            pooled[b] = Arrays.copyOfRange(hidden, b * seq * HIDDEN, (b * seq + 1) * HIDDEN);
        }
        assertLogits(edit, pooled, out.get("logits"));
    }

    /** logits = pooled · Wᵀ + b with the head's initializers, [batch, classes]. */
    private static void assertLogits(HeadEdit edit, float[][] pooled, HeadModels.Result logits) {
        assertEquals("logits", edit.output());
        assertEquals(List.of("head.weight", "head.bias"), edit.parameters());
        assertArrayEquals(new long[] {CLASSES, HIDDEN}, HeadModels.dims(edit.model(), "head.weight"));
        assertArrayEquals(new long[] {CLASSES}, HeadModels.dims(edit.model(), "head.bias"));
        float[] w = HeadModels.values(edit.model(), "head.weight");
        float[] bias = HeadModels.values(edit.model(), "head.bias");
        assertArrayEquals(new long[] {pooled.length, CLASSES}, logits.shape());
        for (int b = 0; b < pooled.length; b++) {
            for (int c = 0; c < CLASSES; c++) {
                double expected = bias[c];
                for (int h = 0; h < HIDDEN; h++) {
                    expected += pooled[b][h] * w[c * HIDDEN + h];
                }
                assertEquals(expected, logits.values()[b * CLASSES + c], 1e-5, "sample " + b + " class " + c);
            }
        }
        GraphProto graph = edit.model().proto().getGraph();
        assertEquals(List.of("logits", "last_hidden_state"), graph.getOutputList().stream().map(ValueInfoProto::getName).toList());
        assertEquals(CLASSES, graph.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals("batch", graph.getOutput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    }

    @ParameterizedTest
    @ValueSource(strings = {"11:MEAN", "18:MEAN", "11:CLS", "18:CLS"})
    void theEditedModelTrainsAndExportsWithItsHead(String variant, @TempDir Path dir) {
        long opset = Long.parseLong(variant.split(":")[0]);
        Pooling pooling = Pooling.valueOf(variant.split(":")[1]);
        HeadEdit edit = ClassificationHead.attach(HeadModels.backbone(opset, true), new HeadSpec(CLASSES, pooling), 3);
        List<String> trainable = edit.model().graph().trainableCandidates();
        assertEquals(List.of("embeddings", "head.weight", "head.bias"), trainable);
        Map<String, Feature> features = new LinkedHashMap<>();
        features.put("input_ids", Feature.ofLongs(ElementType.INT64, new long[] {5}, flat(IDS)));
        features.put("attention_mask", Feature.ofLongs(ElementType.INT64, new long[] {5}, flat(MASK)));
        Dataset data = new Dataset("inline", features, Labels.ofClasses(new int[] {0, 2, 1}));
        try (TrainingSession session = TrainingSession.open(edit.model(), trainable, edit.output());
             Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data, 3, arena).assemble(new int[] {0, 1, 2});
            double loss = session.step(batch, Losses.of(LossKind.CROSS_ENTROPY, NativeKernels.instance()));
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
            for (String p : trainable) {
                assertFiniteAndNonZero(p, session.parameters().gradients(p));
            }
            OnnxModel exported = ModelExport.trained(edit.model(), session.parameters(), Map.of());
            ModelWriter.write(exported, dir.resolve("model.onnx"));
            OnnxModel reloaded = OnnxModel.load(dir.resolve("model.onnx"));
            assertArrayEquals(new long[] {3, CLASSES},
                    HeadModels.run(reloaded, Map.of("input_ids", IDS, "attention_mask", MASK)).get("logits").shape());
        }
    }

    private static void assertFiniteAndNonZero(String name, MemorySegment gradient) {
        float[] g = gradient.toArray(ValueLayout.JAVA_FLOAT);
        assertTrue(Arrays.stream(toDoubles(g)).allMatch(Double::isFinite), name + " gradient not finite");
        assertTrue(Arrays.stream(toDoubles(g)).anyMatch(v -> v != 0), name + " gradient is zero");
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static long[] flat(long[][] rows) {
        return Arrays.stream(rows).flatMapToLong(Arrays::stream).toArray();
    }

    @Test
    void theSeedDecidesTheInitialWeightsWithinPyTorchsBound() {
        OnnxModel backbone = HeadModels.backbone(13, true);
        HeadSpec spec = new HeadSpec(CLASSES, Pooling.MEAN);
        float[] first = HeadModels.values(ClassificationHead.attach(backbone, spec, 11).model(), "head.weight");
        float[] again = HeadModels.values(ClassificationHead.attach(backbone, spec, 11).model(), "head.weight");
        float[] other = HeadModels.values(ClassificationHead.attach(backbone, spec, 12).model(), "head.weight");
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other));
        double bound = 1 / Math.sqrt(HIDDEN);
        float[] bias = HeadModels.values(ClassificationHead.attach(backbone, spec, 11).model(), "head.bias");
        for (float v : concat(first, bias)) {
            assertTrue(Math.abs(v) <= bound, v + " outside ±" + bound);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void namesAlreadyInTheGraphAreNotReused() {
        OnnxModel backbone = HeadModels.backbone(13, true, "logits");
        GraphProto.Builder graph = backbone.proto().getGraph().toBuilder()
                .addInitializer(HeadModels.floats("head.weight", new long[] {2}, 1))
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("head.weight").addOutput("unused"));
        HeadEdit edit = ClassificationHead.attach(HeadModels.model(graph, 13), new HeadSpec(2, Pooling.MEAN), 1);
        assertEquals("logits_1", edit.output());
        assertEquals(List.of("head_1.weight", "head_1.bias"), edit.parameters());
        Map<String, HeadModels.Result> out = HeadModels.run(edit.model(), Map.of("input_ids", IDS, "attention_mask", MASK));
        assertArrayEquals(new long[] {3, 2}, out.get("logits_1").shape());
        assertArrayEquals(new long[] {3, 5, HIDDEN}, out.get("logits").shape());
    }

    @Test
    void aNamedOutputIsUsed() {
        GraphProto.Builder graph = HeadModels.backbone(13, false).proto().getGraph().toBuilder()
                .addOutput(HeadModels.info("embedded", TensorProto.DataType.FLOAT_VALUE, "batch", "seq", HIDDEN));
        HeadEdit edit = ClassificationHead.attach(HeadModels.model(graph, 13), new HeadSpec(2, Pooling.CLS), "embedded", 1);
        Map<String, HeadModels.Result> out = HeadModels.run(edit.model(), Map.of("input_ids", IDS));
        float[] embedded = out.get("embedded").values();
        float[] w = HeadModels.values(edit.model(), "head.weight");
        float[] b = HeadModels.values(edit.model(), "head.bias");
        double expected = b[1];
        for (int h = 0; h < HIDDEN; h++) {
            expected += embedded[h] * w[HIDDEN + h];
        }
        assertEquals(expected, out.get("logits").values()[1], 1e-5);
    }

    @Test
    void aModelWithoutSequenceOutputIsRefused() {
        OnnxModel mlp = OnnxModel.load(Path.of("src/test/resources/fixtures/mlp/model.onnx"));
        ModelException e = assertThrows(ModelException.class,
                () -> ClassificationHead.attach(mlp, new HeadSpec(2, Pooling.MEAN), 1));
        assertTrue(e.getMessage().contains("no [batch, seq, hidden] output") && e.getMessage().contains("logits"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> ClassificationHead.attach(mlp, new HeadSpec(2, Pooling.MEAN), "logits", 1));
        assertTrue(e.getMessage().contains("logits is float[") && e.getMessage().endsWith(", 10]"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> ClassificationHead.attach(mlp, new HeadSpec(2, Pooling.MEAN), "pooler_output", 1));
        assertTrue(e.getMessage().contains("no output named pooler_output"), e.getMessage());
    }

    @Test
    void aSymbolicHiddenSizeIsRefused() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("symbolic")
                .addInput(HeadModels.info("x", TensorProto.DataType.FLOAT_VALUE, "batch", "seq", "hidden"))
                .addNode(NodeProto.newBuilder().setOpType("Tanh").addInput("x").addOutput("y"))
                .addOutput(HeadModels.info("y", TensorProto.DataType.FLOAT_VALUE, "batch", "seq", "hidden"));
        ModelException e = assertThrows(ModelException.class,
                () -> ClassificationHead.attach(HeadModels.model(graph, 13), new HeadSpec(2, Pooling.CLS), 1));
        assertTrue(e.getMessage().contains("hidden size of y [batch, seq, hidden] is not static"), e.getMessage());
    }
}
