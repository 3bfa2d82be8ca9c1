package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.config.LossKind;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Dropout is active in training steps, with a gradient through its own mask, and inactive in predictions. */
class DropoutTrainingTest {

    private static final int N = 400;
    private static final float RATIO = 0.25f;

    private static OnnxModel model(float[] w) {
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(N)))).build();
        ByteBuffer weights = ByteBuffer.allocate(4 * N).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : w) {
            weights.putFloat(v);
        }
        GraphProto graph = GraphProto.newBuilder().setName("dropout")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(type))
                .addInitializer(TensorTypes.tensor("w", TensorProto.DataType.FLOAT_VALUE, new long[] {N}, weights.flip()))
                .addInitializer(TensorTypes.tensor("ratio", TensorProto.DataType.FLOAT_VALUE, new long[0],
                        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, RATIO)))
                .addNode(NodeProto.newBuilder().setOpType("Mul").addInput("x").addInput("w").addOutput("h"))
                .addNode(NodeProto.newBuilder().setOpType("Dropout").setName("drop").addInput("h").addInput("ratio").addOutput("y"))
                .build();
        return OnnxModel.of(ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build());
    }

    @Test
    void trainingStepsDropAndScaleAndBackpropagateThroughTheSameMask() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = 0.5f + i / (float) N;
        }
        float[] ones = new float[N];
        java.util.Arrays.fill(ones, 1f);
        Dataset data = new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {N}, ones)),
                Labels.ofTargets(new long[] {N}, new float[N]));
        try (TrainingSession session = TrainingSession.open(model(w), List.of("w"), "y", new SessionOptions(true, 7, 0));
             Arena arena = Arena.ofConfined()) {
            assertTrue(session.dropoutActive());
            Batch batch = new BatchAssembler(data, 1, arena).assemble(new int[] {0});
            float[] seen = new float[N];
            // loss = mean(y^2) with y = w * mask / (1 - ratio): dL/dw = 2 y mask / ((1 - ratio) N)
            session.step(batch, (outputs, shape, b, dOutputs) -> {
                double sum = 0;
                for (int i = 0; i < N; i++) {
                    float y = outputs.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                    seen[i] = y;
                    dOutputs.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2 * y / N);
                    sum += y * y;
                }
                return sum / N;
            });
            int dropped = 0;
            for (int i = 0; i < N; i++) {
                float grad = session.parameters().gradients("w").getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (seen[i] == 0) {
                    dropped++;
                    assertEquals(0f, grad, "dropped element " + i + " gets no gradient");
                } else {
                    assertEquals(w[i] / (1 - RATIO), seen[i], 1e-5, "kept element " + i + " is scaled");
                    assertEquals(2 * seen[i] / (N * (1 - RATIO)), grad, 1e-6, "gradient of kept element " + i);
                }
            }
            assertTrue(dropped > N * RATIO / 2 && dropped < N * RATIO * 1.5, "dropped " + dropped + " of " + N);
            float[] predicted = session.predict(batch, List.of("y")).get("y");
            assertArrayEquals(w, predicted, 1e-6f, "predictions run Dropout inactive");
        }
    }

    @Test
    void withDropoutOffTrainingStepsSeeTheExportedGraph() {
        float[] w = new float[N];
        for (int i = 0; i < N; i++) {
            w[i] = 1f + i;
        }
        float[] ones = new float[N];
        java.util.Arrays.fill(ones, 1f);
        Dataset data = new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {N}, ones)),
                Labels.ofTargets(new long[] {N}, new float[N]));
        try (TrainingSession session = TrainingSession.open(model(w), List.of("w"), "y", new SessionOptions(false, 7, 0));
             Arena arena = Arena.ofConfined()) {
            assertTrue(!session.dropoutActive());
            Batch batch = new BatchAssembler(data, 1, arena).assemble(new int[] {0});
            session.step(batch, Losses.of(LossKind.MSE, NativeKernels.instance()));
            for (int i = 0; i < N; i++) {
                // MSE against zeros: dL/dw = 2 w / N, nothing dropped
                assertEquals(2 * w[i] / N, session.parameters().gradients("w").getAtIndex(ValueLayout.JAVA_FLOAT, i), 1e-6);
            }
        }
    }
}
