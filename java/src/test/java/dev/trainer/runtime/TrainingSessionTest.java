package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

class TrainingSessionTest {

    /** y = x * w with x [batch, n], both dimensions symbolic: the output's size is known only per run. */
    static OnnxModel scaleModel(float w) {
        TypeProto symbolic = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                .setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("n")))).build();
        GraphProto graph = GraphProto.newBuilder().setName("scale")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(symbolic))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(symbolic))
                .addInitializer(TensorTypes.tensor("w", TensorProto.DataType.FLOAT_VALUE, new long[] {1},
                        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, w)))
                .addNode(NodeProto.newBuilder().setOpType("Mul").addInput("x").addInput("w").addOutput("y"))
                .build();
        return OnnxModel.of(ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build());
    }

    @Test
    void outputsOfRunTimeShapeGetTheirGradientThroughACopy() {
        float w = 0.5f;
        float[] x = {1, 2, 3, -1, 0.5f, 4};
        float[] t = {1, 1, 1, 0, 0, 0};
        Dataset data = new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {3}, x)),
                Labels.ofTargets(new long[] {3}, t));
        try (TrainingSession session = TrainingSession.open(scaleModel(w), List.of("w"), "y");
             Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data, 2, arena).assemble(new int[] {0, 1});
            double loss = session.step(batch, Losses.of(LossKind.MSE, NativeKernels.instance()));
            double expectedLoss = 0;
            double expectedGradient = 0;
            for (int i = 0; i < x.length; i++) {
                double r = x[i] * w - t[i];
                expectedLoss += r * r / x.length;
                expectedGradient += 2 * r * x[i] / x.length;
            }
            assertEquals(expectedLoss, loss, 1e-6);
            assertEquals(expectedGradient, session.parameters().gradients("w").get(ValueLayout.JAVA_FLOAT, 0), 1e-6);
        }
    }
}
