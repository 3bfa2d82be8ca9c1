package dev.trainer.edit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.ParameterPattern;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.run.ModelExport;
import dev.trainer.runtime.InferenceSession;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LoRA as a graph edit: which weights it finds in both exporters' transformers (and the real
 * MiniLM), that an adapted model starts out as the original, and that merging the adapters gives
 * back exactly the original graph computing what the adapted graph computes.
 */
class LoraEditTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    private static final LoraSpec SPEC = new LoraSpec(4, 8, 0);
    private static final List<String> LAYER_PROJECTIONS = List.of("attention.self.query", "attention.self.key",
            "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense");

    @TempDir
    static Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"bert_tiny_torchscript", "bert_tiny_opset17", "bert_tiny_export_style"})
    void theDefaultTargetsAreEveryLayersProjectionsInBothExportStyles(String fixture) {
        LoraEdit edit = LoraEdit.apply(fixture(fixture), SPEC, List.of(), false, 1);

        assertEquals(projections(2), modules(edit));
        boolean gemm = fixture.equals("bert_tiny_export_style");
        for (LoraAdapter adapter : edit.adapters()) {
            assertEquals(gemm, adapter.transposed(), adapter.weight());
            long[] a = dims(edit.model(), adapter.a());
            long[] b = dims(edit.model(), adapter.b());
            assertEquals(4, gemm ? a[0] : a[1], "A's rank axis");
            assertEquals(4, gemm ? b[1] : b[0], "B's rank axis");
            assertTrue(values(edit.model(), adapter.a())[0] != 0, "A starts random");
            assertArrayEquals(new float[values(edit.model(), adapter.b()).length], values(edit.model(), adapter.b()),
                    "B starts at zero");
        }
    }

    @Test
    void theDefaultTargetsOfMiniLmAreItsThirtySixProjections() throws IOException {
        Path file = tmp.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = LoraEditTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, file);
        }
        OnnxModel miniLm = OnnxModel.load(file);
        LoraEdit edit = LoraEdit.apply(miniLm, LoraSpec.parse("8"), List.of(), false, 1);

        assertEquals(projections(6), modules(edit));
        assertTrue(edit.adapters().getFirst().weight().startsWith("onnx::MatMul_"), "TorchScript's generated names");
        long adapterParameters = edit.factors().stream().mapToLong(f -> values(edit.model(), f).length).sum();
        assertEquals(6 * 8 * (4 * (384 + 384) + 2 * (384 + 1536)), adapterParameters);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bert_tiny_torchscript", "bert_tiny_export_style"})
    void anAdaptedModelStartsAsTheOriginalAndMergesBackIntoItsGraph(String fixture) {
        OnnxModel base = fixture(fixture);
        LoraEdit edit = LoraEdit.apply(base, SPEC, List.of(), false, 3);
        float[] original = heldOutputs(base, fixture);
        assertArrayEquals(original, heldOutputs(edit.model(), fixture), "B = 0: the adapters add nothing");

        Map<String, float[]> factors = trainedFactors(edit);
        OnnxModel adapted = ModelExport.withValues(edit.model(), factors, List.of(), Map.of(), Map.of());
        OnnxModel merged = ModelExport.withValues(base, Map.of(), edit.adapters(), factors, Map.of());

        assertSameGraph(base, merged);
        float[] expected = heldOutputs(adapted, fixture);
        float[] actual = heldOutputs(merged, fixture);
        double moved = 0;
        double error = 0;
        for (int i = 0; i < expected.length; i++) {
            moved = Math.max(moved, Math.abs(expected[i] - original[i]));
            error = Math.max(error, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(moved > 0.05, "the adapters change the outputs: " + moved);
        assertTrue(error <= 1e-5, "merged vs adapted: " + error + " (outputs moved " + moved + ")");
    }

    @Test
    void gemmAttributesAndBroadcastMatMulsMergeExactlyToo() {
        OnnxModel base = twoLinearLayers();
        LoraEdit edit = LoraEdit.apply(base, SPEC, List.of(ParameterPattern.parse("w"), ParameterPattern.parse("v")),
                false, 5);
        assertEquals(List.of("w", "v"), edit.adapters().stream().map(LoraAdapter::weight).toList());
        Map<String, float[]> factors = trainedFactors(edit);
        OnnxModel adapted = ModelExport.withValues(edit.model(), factors, List.of(), Map.of(), Map.of());
        OnnxModel merged = ModelExport.withValues(base, Map.of(), edit.adapters(), factors, Map.of());
        assertSameGraph(base, merged);

        Random random = new Random(9);
        Map<String, Object> inputs = Map.of("x", gaussian(random, 4, 3), "z", new float[][][][] {
                gaussian3(random), gaussian3(random)});
        var want = HeadModels.run(adapted, inputs);
        var got = HeadModels.run(merged, inputs);
        var before = HeadModels.run(base, inputs);
        for (String output : List.of("y", "u")) {
            assertArrayEquals(want.get(output).shape(), got.get(output).shape());
            for (int i = 0; i < want.get(output).values().length; i++) {
                assertEquals(want.get(output).values()[i], got.get(output).values()[i], 1e-5, output + "[" + i + "]");
            }
            assertFalse(Arrays.equals(before.get(output).values(), want.get(output).values()), output);
        }
    }

    @Test
    void patternsPickWeightsByInitializerOrModuleNameInEitherExport() {
        List<ParameterPattern> patterns = List.of(ParameterPattern.parse("**.query"),
                ParameterPattern.parse("encoder.layer.1.output.dense.weight"));
        List<String> expected = List.of("encoder.layer.0.attention.self.query", "encoder.layer.1.attention.self.query",
                "encoder.layer.1.output.dense");
        for (String fixture : List.of("bert_tiny_torchscript", "bert_tiny_export_style")) {
            assertEquals(expected, modules(LoraEdit.apply(fixture(fixture), SPEC, patterns, false, 1)), fixture);
        }
        String message = assertThrows(ModelException.class, () -> LoraEdit.apply(fixture("bert_tiny_torchscript"), SPEC,
                List.of(ParameterPattern.parse("**.querry")), false, 1)).getMessage();
        assertTrue(message.startsWith("--lora-target '**.querry' matches no weight LoRA can adapt; they are "
                + "encoder.layer.0.attention.self.query (onnx::MatMul_326)"), message);
    }

    @Test
    void aModelWithoutNormalizedLayersNeedsTargetsNamed() {
        OnnxModel digits = OnnxModel.load(Path.of("../models/digits/model.onnx"));
        String message = assertThrows(ModelException.class, () -> LoraEdit.apply(digits, SPEC, List.of(), false, 1))
                .getMessage();
        assertTrue(message.contains("name the weights to adapt with --lora-target, e.g. fc1 (fc1.weight), fc2"), message);
        LoraEdit edit = LoraEdit.apply(digits, SPEC, List.of(ParameterPattern.parse("fc1")), false, 1);
        assertEquals(List.of("fc1.lora_A", "fc1.lora_B"), edit.factors());
    }

    @Test
    void adapterDropoutIsADropoutNodeOnTheAdaptersInputFromOpset12() {
        LoraSpec withDropout = new LoraSpec(4, 8, 0.1);
        LoraEdit edit = LoraEdit.apply(fixture("bert_tiny_torchscript"), withDropout, List.of(), true, 1);
        List<NodeProto> dropouts = edit.model().graph().nodes().stream().filter(n -> n.getOpType().equals("Dropout")).toList();
        assertEquals(12, dropouts.size());
        for (NodeProto dropout : dropouts) {
            assertEquals("MatMul", edit.model().graph().consumers(dropout.getOutput(0)).getFirst().getOpType());
        }
        assertEquals(0, LoraEdit.apply(fixture("bert_tiny_torchscript"), withDropout, List.of(), false, 1).model().graph()
                .nodes().stream().filter(n -> n.getOpType().equals("Dropout")).count(), "no dropout with --no-dropout");

        OnnxModel opset11 = HeadModels.model(twoLinearLayers().proto().getGraph().toBuilder(), 11);
        String message = assertThrows(ModelException.class, () -> LoraEdit.apply(opset11, withDropout,
                List.of(ParameterPattern.parse("v")), true, 1)).getMessage();
        assertTrue(message.contains("needs Dropout's training mode, which ONNX has from opset 12; this model is opset 11"),
                message);
    }

    /** y = Gemm(x, w, c; transA=1, alpha=0.5, beta=0.75) with x [4, 3]; u = z·v with z [2, 2, 3, 4] broadcast. */
    private static OnnxModel twoLinearLayers() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("linear")
                .addInput(HeadModels.info("x", TensorProto.DataType.FLOAT_VALUE, 4, 3))
                .addInput(HeadModels.info("z", TensorProto.DataType.FLOAT_VALUE, 2, 2, 3, 4))
                .addInitializer(HeadModels.floats("w", new long[] {4, 5}, 1))
                .addInitializer(HeadModels.floats("c", new long[] {5}, 2))
                .addInitializer(HeadModels.floats("v", new long[] {4, 6}, 3))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").addInput("x").addInput("w").addInput("c").addOutput("y")
                        .addAttribute(Attributes.ofInt("transA", 1)).addAttribute(Attributes.ofFloat("alpha", 0.5f))
                        .addAttribute(Attributes.ofFloat("beta", 0.75f)))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("z").addInput("v").addOutput("u"))
                .addOutput(HeadModels.info("y", TensorProto.DataType.FLOAT_VALUE, 3, 5))
                .addOutput(HeadModels.info("u", TensorProto.DataType.FLOAT_VALUE, 2, 2, 3, 6));
        return HeadModels.model(graph, 13);
    }

    /** The adapters' A as initialised and a random B, as if trained. */
    private static Map<String, float[]> trainedFactors(LoraEdit edit) {
        Random random = new Random(11);
        Map<String, float[]> factors = new HashMap<>();
        for (LoraAdapter adapter : edit.adapters()) {
            factors.put(adapter.a(), values(edit.model(), adapter.a()));
            float[] b = new float[values(edit.model(), adapter.b()).length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (0.2 * random.nextGaussian());
            }
            factors.put(adapter.b(), b);
        }
        return factors;
    }

    private static void assertSameGraph(OnnxModel expected, OnnxModel actual) {
        GraphProto want = expected.proto().getGraph();
        GraphProto got = actual.proto().getGraph();
        assertEquals(want.getNodeList(), got.getNodeList(), "the same nodes");
        assertEquals(want.getInputList(), got.getInputList());
        assertEquals(want.getOutputList(), got.getOutputList());
        assertEquals(want.getInitializerList().stream().map(t -> t.getName() + t.getDimsList()).toList(),
                got.getInitializerList().stream().map(t -> t.getName() + t.getDimsList()).toList(),
                "the same initializers, names and shapes");
    }

    private static List<String> projections(int layers) {
        List<String> names = new ArrayList<>();
        for (int layer = 0; layer < layers; layer++) {
            for (String projection : LAYER_PROJECTIONS) {
                names.add("encoder.layer." + layer + "." + projection);
            }
        }
        return names;
    }

    private static List<String> modules(LoraEdit edit) {
        return edit.adapters().stream().map(a -> a.a().substring(0, a.a().length() - ".lora_A".length())).toList();
    }

    private static OnnxModel fixture(String name) {
        return OnnxModel.load(FIXTURES.resolve(name).resolve("model.onnx"));
    }

    private static float[] values(OnnxModel model, String name) {
        return HeadModels.values(model, name);
    }

    private static long[] dims(OnnxModel model, String name) {
        return HeadModels.dims(model, name);
    }

    /** The model's first output on the fixture's held-out batch, run by plain ONNX Runtime. */
    private static float[] heldOutputs(OnnxModel model, String fixture) {
        try (InferenceSession session = new InferenceSession(model); Arena arena = Arena.ofConfined()) {
            Dataset held = Datasets.read(FIXTURES.resolve(fixture).resolve("held.npz"), session.inputs(),
                    Task.CLASSIFICATION, "label", false);
            var batch = new BatchAssembler(held, held.size(), arena).assemble(IntStream.range(0, held.size()).toArray());
            String output = model.proto().getGraph().getOutput(0).getName();
            return session.predict(batch, List.of(output)).get(output);
        }
    }

    private static float[][] gaussian(Random random, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return out;
    }

    private static float[][][] gaussian3(Random random) {
        return new float[][][] {gaussian(random, 3, 4), gaussian(random, 3, 4)};
    }
}
