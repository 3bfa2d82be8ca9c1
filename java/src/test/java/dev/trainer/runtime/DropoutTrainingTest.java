package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
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
import dev.trainer.onnx.TensorTypes;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dropout is active in training steps, with a gradient through its own mask, and inactive in
 * predictions. Its masks are a pure function of (seed, draw, node, element): the same in a new
 * session, different from draw to draw and node to node, and statistically those of independent
 * coin flips at the node's rate.
 */
class DropoutTrainingTest {

    private static final int N = 400;
    private static final float RATIO = 0.25f;

    /** y = Concat(Dropout(x · w), Dropout(x · w)) over [batch, n] inputs, the ratio an input from opset 12 on. */
    private static OnnxModel model(float[] w, float ratio, long opset, int nodes) {
        int n = w.length;
        ByteBuffer weights = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : w) {
            weights.putFloat(v);
        }
        GraphProto.Builder graph = GraphProto.newBuilder().setName("dropout")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type(n)))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(type(n * nodes)))
                .addInitializer(TensorTypes.tensor("w", TensorProto.DataType.FLOAT_VALUE, new long[] {n}, weights.flip()))
                .addInitializer(TensorTypes.tensor("ratio", TensorProto.DataType.FLOAT_VALUE, new long[0],
                        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, ratio)))
                .addNode(NodeProto.newBuilder().setOpType("Mul").addInput("x").addInput("w").addOutput("h"));
        NodeProto.Builder concat = NodeProto.newBuilder().setOpType("Concat").addAttribute(Attributes.ofInt("axis", 1))
                .addOutput("y");
        for (int k = 0; k < nodes; k++) {
            NodeProto.Builder drop = NodeProto.newBuilder().setOpType("Dropout").setName("drop" + k).addInput("h")
                    .addOutput("d" + k);
            if (opset >= 12) {
                drop.addInput("ratio");
            } else {
                drop.addAttribute(Attributes.ofFloat("ratio", ratio));
            }
            graph.addNode(drop);
            concat.addInput("d" + k);
        }
        graph.addNode(concat);
        return OnnxModel.of(ModelProto.newBuilder().setIrVersion(7)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build());
    }

    private static TypeProto type(int n) {
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n)))).build();
    }

    private static Dataset ones(int n) {
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        return new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {n}, ones)),
                Labels.ofTargets(new long[] {n}, new float[n]));
    }

    private static float[] ramp(int n, float start) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = start + i / (float) n;
        }
        return w;
    }

    /** The model's output in a training step of the given draw, its loss mean(y²) and the gradient landing in "w". */
    private static float[] trainingOutput(TrainingSession session, Batch batch, long draw) {
        float[] seen = new float[(int) session.outputType().dims()[1]];
        session.step(batch, draw, (outputs, shape, b, dOutputs) -> {
            double sum = 0;
            for (int i = 0; i < seen.length; i++) {
                float y = outputs.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                seen[i] = y;
                dOutputs.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2 * y / seen.length);
                sum += y * y;
            }
            return sum / seen.length;
        });
        return seen;
    }

    @ParameterizedTest(name = "opset {0}")
    @ValueSource(longs = {11, 13, 18})
    void trainingStepsDropAndScaleAndBackpropagateThroughTheSameMask(long opset) {
        float[] w = ramp(N, 0.5f);
        try (TrainingSession session = TrainingSession.open(model(w, RATIO, opset, 1), List.of("w"), "y",
                new SessionOptions(true, 7, 0));
             Arena arena = Arena.ofConfined()) {
            assertTrue(session.dropoutActive());
            Batch batch = new BatchAssembler(ones(N), 1, arena).assemble(new int[] {0});
            float[] seen = trainingOutput(session, batch, 1);
            int dropped = 0;
            for (int i = 0; i < N; i++) {
                float grad = session.parameters().gradients("w").getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (seen[i] == 0) {
                    dropped++;
                    assertEquals(0f, grad, "dropped element " + i + " gets no gradient");
                } else {
                    // loss = mean(y^2) with y = w * mask / (1 - ratio): dL/dw = 2 y mask / ((1 - ratio) N)
                    assertEquals(w[i] * (1f / (1 - RATIO)), seen[i], "kept element " + i + " is scaled as ONNX's Dropout");
                    assertEquals(2 * seen[i] / (N * (1 - RATIO)), grad, 1e-6, "gradient of kept element " + i);
                }
            }
            assertTrue(dropped > N * RATIO / 2 && dropped < N * RATIO * 1.5, "dropped " + dropped + " of " + N);
            float[] predicted = session.predict(batch, List.of("y")).get("y");
            assertArrayEquals(w, predicted, "predictions run Dropout inactive, bit for bit");
        }
    }

    /**
     * A step's masks depend on (seed, draw) alone: a new session (a resumed run) draws the same
     * for the same draw, a different draw or seed draws anew.
     */
    @Test
    void masksAreAFunctionOfSeedAndDraw() {
        float[] w = ramp(N, 1f);
        try (Arena arena = Arena.ofConfined();
             TrainingSession first = TrainingSession.open(model(w, 0.5f, 13, 1), List.of("w"), "y",
                     new SessionOptions(true, 7, 0));
             TrainingSession again = TrainingSession.open(model(w, 0.5f, 13, 1), List.of("w"), "y",
                     new SessionOptions(true, 7, 0));
             TrainingSession otherSeed = TrainingSession.open(model(w, 0.5f, 13, 1), List.of("w"), "y",
                     new SessionOptions(true, 8, 0))) {
            Batch batch = new BatchAssembler(ones(N), 1, arena).assemble(new int[] {0});
            float[] draw5 = trainingOutput(first, batch, 5);
            float[] draw6 = trainingOutput(first, batch, 6);
            assertArrayEquals(draw5, trainingOutput(again, batch, 5), "the same draw in a new session");
            assertArrayEquals(draw5, trainingOutput(first, batch, 5), "the same draw again in the same session");
            assertFalse(Arrays.equals(draw5, draw6), "the next draw");
            assertFalse(Arrays.equals(draw5, trainingOutput(otherSeed, batch, 5)), "another seed");
        }
    }

    /**
     * Over 2^18 elements, 8 draws and 2 nodes, each mask is coin flips at the node's rate: the
     * drop rate within 4.5 binomial standard deviations; neighbouring elements, draws and nodes
     * uncorrelated (|r| under 4.5 / sqrt(n)); drops per block of 64 spread as a binomial's.
     */
    @ParameterizedTest(name = "ratio {0}")
    @ValueSource(floats = {0.1f, 0.5f, 0.9f})
    void masksAreIndependentCoinFlipsAtTheRate(float ratio) {
        int n = 1 << 17;
        int draws = 8;
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        try (Arena arena = Arena.ofConfined();
             TrainingSession session = TrainingSession.open(model(w, ratio, 13, 2), List.of("w"), "y",
                     new SessionOptions(true, 42, 0))) {
            Batch batch = new BatchAssembler(ones(n), 1, arena).assemble(new int[] {0});
            double[][] dropped = new double[draws][];
            long total = 0;
            for (int d = 0; d < draws; d++) {
                float[] y = trainingOutput(session, batch, 1000 + d);
                dropped[d] = new double[y.length];
                for (int i = 0; i < y.length; i++) {
                    dropped[d][i] = y[i] == 0 ? 1 : 0;
                    total += (long) dropped[d][i];
                }
            }
            double elements = (double) draws * 2 * n;
            double sd = Math.sqrt(ratio * (1 - ratio) / elements);
            assertEquals(ratio, total / elements, 4.5 * sd, "drop rate");
            double limit = 4.5 / Math.sqrt(n);
            for (int d = 0; d < draws; d++) {
                double[] node0 = Arrays.copyOfRange(dropped[d], 0, n);
                double[] node1 = Arrays.copyOfRange(dropped[d], n, 2 * n);
                assertTrue(Math.abs(correlation(node0, 1, node0, 0)) < limit, "neighbours, draw " + d);
                assertTrue(Math.abs(correlation(node0, 0, node1, 0)) < limit, "nodes, draw " + d);
                if (d > 0) {
                    assertTrue(Math.abs(correlation(dropped[d - 1], 0, dropped[d], 0)) < limit, "draws " + d);
                }
            }
            double blockVariance = blockVariance(dropped[0], 64) / (64 * ratio * (1 - ratio));
            assertTrue(blockVariance > 0.85 && blockVariance < 1.15, "drops per block spread as a binomial's: "
                    + blockVariance);
        }
    }

    @Test
    void withDropoutOffTrainingStepsSeeTheExportedGraph() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = 1f + i;
        }
        try (TrainingSession session = TrainingSession.open(model(w, RATIO, 13, 1), List.of("w"), "y",
                new SessionOptions(false, 7, 0));
             Arena arena = Arena.ofConfined()) {
            assertFalse(session.dropoutActive());
            Batch batch = new BatchAssembler(ones(N), 1, arena).assemble(new int[] {0});
            session.step(batch, Losses.of(LossKind.MSE, NativeKernels.instance()));
            for (int i = 0; i < N; i++) {
                // MSE against zeros: dL/dw = 2 w / N, nothing dropped
                assertEquals(2 * w[i] / N, session.parameters().gradients("w").getAtIndex(ValueLayout.JAVA_FLOAT, i), 1e-6);
            }
        }
    }

    @Test
    void aModelBeforeOpset11KeepsItsDropoutInactive() {
        try (TrainingSession session = TrainingSession.open(model(ramp(N, 1f), RATIO, 10, 1), List.of("w"), "y",
                new SessionOptions(true, 7, 0))) {
            assertFalse(session.dropoutActive());
        }
        assertNotEquals(0, dev.trainer.edit.DropoutKeys.of(1, 1, 1)[0]);
    }

    /** Pearson's correlation of a[i + shiftA] and b[i + shiftB] over the overlap. */
    private static double correlation(double[] a, int shiftA, double[] b, int shiftB) {
        int n = Math.min(a.length - shiftA, b.length - shiftB);
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i + shiftA];
            mb += b[i + shiftB];
        }
        ma /= n;
        mb /= n;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < n; i++) {
            double x = a[i + shiftA] - ma;
            double y = b[i + shiftB] - mb;
            cov += x * y;
            va += x * x;
            vb += y * y;
        }
        return cov / Math.sqrt(va * vb);
    }

    private static double blockVariance(double[] values, int block) {
        int blocks = values.length / block;
        double[] sums = new double[blocks];
        for (int i = 0; i < blocks * block; i++) {
            sums[i / block] += values[i];
        }
        double mean = Arrays.stream(sums).average().orElseThrow();
        return Arrays.stream(sums).map(s -> (s - mean) * (s - mean)).sum() / (blocks - 1);
    }
}
