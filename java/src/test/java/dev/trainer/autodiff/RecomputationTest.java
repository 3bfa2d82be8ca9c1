package dev.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ShapeInference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Cheap elementwise chains are recomputed in the backward graph instead of stashed. */
class RecomputationTest {

    private static NodeProto node(String op, String output, String... inputs) {
        return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(List.of(inputs)).addOutput(output).build();
    }

    private static TensorProto scalar(String name, float v) {
        return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, new long[0],
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, v));
    }

    @Test
    void anExportedGeluStashesOnlyItsInput() throws Exception {
        // h = x W; y = h * 0.5 * (1 + erf(h / sqrt 2)), as the TorchScript exporter writes GELU
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        GraphProto graph = GraphProto.newBuilder().setName("gelu")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))
                .addInitializer(TensorTypes.tensor("w", TensorProto.DataType.FLOAT_VALUE, new long[] {4, 4},
                        ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN)))
                .addInitializer(scalar("sqrt2", (float) Math.sqrt(2)))
                .addInitializer(scalar("one", 1))
                .addInitializer(scalar("half", 0.5f))
                .addNode(node("MatMul", "h", "x", "w"))
                .addNode(node("Div", "u", "h", "sqrt2"))
                .addNode(node("Erf", "e", "u"))
                .addNode(node("Add", "a", "e", "one"))
                .addNode(node("Mul", "m", "h", "a"))
                .addNode(node("Mul", "y", "m", "half"))
                .build();
        OnnxModel model = OnnxModel.of(ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build());
        TrainingGraphs graphs = ReverseMode.differentiate(model, List.of("w"), List.of("y"), ShapeInference.infer(model));

        assertEquals(Set.of("x", "h"), Set.copyOf(graphs.stash()), "only the GELU's input and the batch");
        List<String> recomputed = graphs.backward().proto().getGraph().getNodeList().stream()
                .filter(n -> Set.of("u", "e", "a").contains(n.getOutput(0))).map(NodeProto::getOpType).toList();
        assertEquals(List.of("Div", "Erf", "Add"), recomputed);
    }

    @Test
    void recomputedChainsKeepGradientsExact() throws Exception {
        new GradientCheck(300).float32().param("x", 3, 4).param("w", 4, 4)
                .constant("sqrt2", new long[0], new double[] {Math.sqrt(2)})
                .constant("one", new long[0], new double[] {1})
                .node(node("MatMul", "h", "x", "w")).node(node("Div", "u", "h", "sqrt2")).node(node("Erf", "e", "u"))
                .node(node("Add", "a", "e", "one")).node(node("Mul", "y", "h", "a")).run();
    }
}
