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
import dev.trainer.config.LossKind;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadReplacementTest {

    private static final OnnxModel MLP = OnnxModel.load(Path.of("src/test/resources/fixtures/mlp/model.onnx"));

    private static float[][] samples(int n, int features) {
        Random random = new Random(5);
        float[][] x = new float[n][features];
        for (float[] row : x) {
            for (int i = 0; i < features; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void theMlpGetsThreeClassesAndKeepsItsOtherWeights() {
        HeadEdit edit = HeadReplacement.replace(MLP, 3, 9);
        assertEquals("logits", edit.output());
        assertEquals(List.of("fc2.weight", "fc2.bias"), edit.parameters());
        assertArrayEquals(new long[] {3, 32}, HeadModels.dims(edit.model(), "fc2.weight"));
        assertArrayEquals(new long[] {3}, HeadModels.dims(edit.model(), "fc2.bias"));
        for (String kept : List.of("fc1.weight", "fc1.bias")) {
            assertArrayEquals(HeadModels.values(MLP, kept), HeadModels.values(edit.model(), kept), kept);
        }
        GraphProto graph = edit.model().proto().getGraph();
        assertEquals(3, graph.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());

        float[][] x = samples(4, 64);
        HeadModels.Result logits = HeadModels.run(edit.model(), Map.of("input", x)).get("logits");
        assertArrayEquals(new long[] {4, 3}, logits.shape());
        float[] w1 = HeadModels.values(MLP, "fc1.weight");
        float[] b1 = HeadModels.values(MLP, "fc1.bias");
        float[] w2 = HeadModels.values(edit.model(), "fc2.weight");
        float[] b2 = HeadModels.values(edit.model(), "fc2.bias");
        for (int s = 0; s < x.length; s++) {
            double[] hidden = new double[32];
            for (int j = 0; j < 32; j++) {
                double v = b1[j];
                for (int i = 0; i < 64; i++) {
                    v += x[s][i] * w1[j * 64 + i];
                }
                hidden[j] = Math.max(0, v);
            }
            for (int c = 0; c < 3; c++) {
                double v = b2[c];
                for (int j = 0; j < 32; j++) {
                    v += hidden[j] * w2[c * 32 + j];
                }
                assertEquals(v, logits.values()[s * 3 + c], 1e-4);
            }
        }
    }

    @Test
    void theReplacedHeadTrains() {
        HeadEdit edit = HeadReplacement.replace(MLP, 3, 9);
        float[][] x = samples(4, 64);
        float[] flat = new float[4 * 64];
        for (int s = 0; s < 4; s++) {
            System.arraycopy(x[s], 0, flat, s * 64, 64);
        }
        Dataset data = new Dataset("inline", Map.of("input", Feature.ofFloats(ElementType.FLOAT, new long[] {64}, flat)),
                Labels.ofClasses(new int[] {0, 1, 2, 1}));
        List<String> trainable = edit.model().graph().trainableCandidates();
        try (TrainingSession session = TrainingSession.open(edit.model(), trainable, edit.output());
             Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data, 4, arena).assemble(new int[] {0, 1, 2, 3});
            double loss = session.step(batch, Losses.of(LossKind.CROSS_ENTROPY, NativeKernels.instance()));
            assertTrue(Double.isFinite(loss), "loss " + loss);
            for (String p : edit.parameters()) {
                float[] g = session.parameters().gradients(p).toArray(ValueLayout.JAVA_FLOAT);
                boolean nonZero = false;
                for (float v : g) {
                    assertTrue(Float.isFinite(v), p);
                    nonZero |= v != 0;
                }
                assertTrue(nonZero, p + " gradient is zero");
            }
        }
    }

    @Test
    void theSeedDecidesTheNewWeights() {
        float[] first = HeadModels.values(HeadReplacement.replace(MLP, 3, 1).model(), "fc2.weight");
        assertArrayEquals(first, HeadModels.values(HeadReplacement.replace(MLP, 3, 1).model(), "fc2.weight"));
        assertFalse(Arrays.equals(first, HeadModels.values(HeadReplacement.replace(MLP, 3, 2).model(), "fc2.weight")));
        for (float v : first) {
            assertTrue(Math.abs(v) <= 1 / Math.sqrt(32));
        }
    }

    /** x [batch, 6] → MatMul W [6, 4] → Add b [4] → Flatten → y [batch, 4]; value_info declares the MatMul's output. */
    private static OnnxModel matMulClassifier(boolean sharedWeight) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("matmul")
                .addInput(HeadModels.info("x", TensorProto.DataType.FLOAT_VALUE, "batch", 6))
                .addInitializer(HeadModels.floats("W", new long[] {6, 4}, 1))
                .addInitializer(HeadModels.floats("b", new long[] {4}, 2))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("W").addOutput("xw"))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("b").addInput("xw").addOutput("z"))
                .addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flat").addInput("z").addOutput("y")
                        .addAttribute(Attributes.ofInt("axis", 1)))
                .addValueInfo(HeadModels.info("xw", TensorProto.DataType.FLOAT_VALUE, "batch", 4))
                .addOutput(HeadModels.info("y", TensorProto.DataType.FLOAT_VALUE, "batch", 4));
        if (sharedWeight) {
            graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName("tie").addInput("W").addOutput("w_copy"))
                    .addOutput(HeadModels.info("w_copy", TensorProto.DataType.FLOAT_VALUE, 6, 4));
        }
        return HeadModels.model(graph, 13);
    }

    @Test
    void aMatMulPlusAddClassifierBehindAFlattenIsResized() {
        HeadEdit edit = HeadReplacement.replace(matMulClassifier(false), 5, 3);
        assertEquals(List.of("W", "b"), edit.parameters());
        assertArrayEquals(new long[] {6, 5}, HeadModels.dims(edit.model(), "W"));
        assertArrayEquals(new long[] {5}, HeadModels.dims(edit.model(), "b"));
        GraphProto graph = edit.model().proto().getGraph();
        assertEquals(5, graph.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals(5, graph.getValueInfo(0).getType().getTensorType().getShape().getDim(1).getDimValue());
        HeadModels.Result y = HeadModels.run(edit.model(), Map.of("x", samples(2, 6))).get("y");
        assertArrayEquals(new long[] {2, 5}, y.shape());
    }

    @Test
    void noClassifierIsAnErrorNamingWhatWasFound() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("relu")
                .addInput(HeadModels.info("x", TensorProto.DataType.FLOAT_VALUE, "batch", 6))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("act").addInput("x").addOutput("r"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("id").addInput("r").addOutput("y"))
                .addOutput(HeadModels.info("y", TensorProto.DataType.FLOAT_VALUE, "batch", 6));
        ModelException e = assertThrows(ModelException.class, () -> HeadReplacement.replace(HeadModels.model(graph, 13), 2, 1));
        assertEquals("no linear classifier produces y: it comes from Relu node 'act' through Identity;"
                + " expected Gemm, MatMul or MatMul + Add with an initializer weight", e.getMessage());
    }

    @Test
    void badRequestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HeadReplacement.replace(MLP, 0, 1));
        ModelException e = assertThrows(ModelException.class, () -> HeadReplacement.replace(MLP, 3, "probabilities", 1));
        assertTrue(e.getMessage().contains("no output named probabilities"), e.getMessage());
        e = assertThrows(ModelException.class, () -> HeadReplacement.replace(matMulClassifier(true), 3, "y", 1));
        assertTrue(e.getMessage().contains("shares W"), e.getMessage());
    }
}
