package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Initializers inside the protobuf run the same whether ONNX Runtime gets them inline or by reference (from 1 MiB). */
class ModelSessionTest {

    @ParameterizedTest
    @ValueSource(ints = {1000, 1 << 18, 1 << 20})
    void gathersFromInlineWeightsOfAnySize(int elements) throws Exception {
        ByteBuffer weights = ByteBuffer.allocate(elements * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < elements; i++) {
            weights.putFloat(i * 0.25f);
        }
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInitializer(TensorTypes.tensor("w", TensorProto.DataType.FLOAT_VALUE, new long[] {elements}, weights.flip()))
                .addNode(NodeProto.newBuilder().setOpType("Gather").addInput("w").addInput("i").addOutput("y"))
                .addInput(valueInfo("i", TensorProto.DataType.INT64_VALUE))
                .addOutput(valueInfo("y", TensorProto.DataType.FLOAT_VALUE)).build();
        OnnxModel model = OnnxModel.of(ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build());
        long[] indices = {elements - 1, 0, elements / 2};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ModelSession session = ModelSession.open(model);
             OnnxTensor feed = OnnxTensor.createTensor(env, indices);
             OrtSession.Result result = session.session().run(Map.of("i", feed))) {
            float[] y = (float[]) result.get(0).getValue();
            assertArrayEquals(new float[] {(elements - 1) * 0.25f, 0f, (elements / 2) * 0.25f}, y);
        }
    }

    private static ValueInfoProto valueInfo(String name, int type) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("k"))))).build();
    }
}
