package dev.trainer.autodiff;

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
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.ModelSession;
import dev.trainer.runtime.ShapeInference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How reverse mode lays the training graphs out for ORT's memory: weight gradients placed to run
 * as soon as they can, and shapes of forward values derived in the backward graph instead of
 * stashed from the forward.
 */
class BackwardLayoutTest {

    private static NodeProto node(String op, String output, String... inputs) {
        return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(List.of(inputs)).addOutput(output).build();
    }

    private static TensorProto floats(String name, long[] dims, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return TensorTypes.tensor(name, TensorProto.DataType.FLOAT_VALUE, dims, bytes.flip());
    }

    private static TensorProto ints(String name, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        return TensorTypes.tensor(name, TensorProto.DataType.INT64_VALUE, new long[] {values.length}, bytes.flip());
    }

    /** x [batch, 4] (symbolic batch) into the given nodes, output y. */
    private static OnnxModel model(List<TensorProto> initializers, NodeProto... nodes) {
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        GraphProto graph = GraphProto.newBuilder().setName("layout")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))
                .addAllInitializer(initializers).addAllNode(List.of(nodes)).build();
        return OnnxModel.of(ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build());
    }

    private static TrainingGraphs differentiate(OnnxModel model, List<String> trainable) {
        return ReverseMode.differentiate(model, trainable, List.of("y"), ShapeInference.infer(model));
    }

    @Test
    void weightGradientsEndTheBackwardGraphInForwardOrder() {
        float[] w = new float[16];
        OnnxModel model = model(List.of(floats("w1", new long[] {4, 4}, w), floats("w2", new long[] {4, 4}, w),
                        floats("w3", new long[] {4, 4}, w)),
                node("MatMul", "h1", "x", "w1"), node("Tanh", "t1", "h1"), node("MatMul", "h2", "t1", "w2"),
                node("Tanh", "t2", "h2"), node("MatMul", "y", "t2", "w3"));
        List<NodeProto> nodes = differentiate(model, List.of("w3", "w1", "w2")).backward().proto().getGraph().getNodeList();
        // ORT runs a graph's leaves last index first: each weight's gradient, producer then output,
        // ends the graph in forward order, so that the last layer's runs first
        List<NodeProto> tail = nodes.subList(nodes.size() - 6, nodes.size());
        for (int i = 0; i < 3; i++) {
            NodeProto producer = tail.get(2 * i);
            NodeProto output = tail.get(2 * i + 1);
            assertEquals("w" + (i + 1) + "::grad", output.getOutput(0));
            assertEquals(producer.getOutput(0), output.getInput(0));
        }
    }

    @Test
    void shapesOfForwardValuesComeFromTheBatchInTheBackward() throws Exception {
        float[] w = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        // h = x w; y = reshape(h, [-1, 2, 2]): Reshape's gradient needs h's shape [batch, 4]
        OnnxModel model = model(List.of(floats("w", new long[] {4, 4}, w), ints("to", -1, 2, 2)),
                node("MatMul", "h", "x", "w"), node("Reshape", "y", "h", "to"));
        TrainingGraphs graphs = differentiate(model, List.of("w"));
        assertTrue(graphs.forward().proto().getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("Shape")),
                "no Shape node left in the forward graph");
        assertEquals(List.of("x"), graphs.stash(), "only the batch, which dW needs anyway");

        float[] x = {1, 0, -1, 2, 0.5f, 0.5f, 1, -2, 3, 1, 0, 0};
        float[] r = {1, -1, 2, 0, 0, 1, 1, 1, -2, 0.5f, 1, 3};
        float[] expected = new float[16];
        for (int k = 0; k < 4; k++) {
            for (int n = 0; n < 4; n++) {
                for (int b = 0; b < 3; b++) {
                    expected[k * 4 + n] += x[b * 4 + k] * r[b * 4 + n];
                }
            }
        }
        assertArrayEquals(expected, weightGradient(graphs, x, r), 1e-5f, "dW = xᵀ dy at batch 3");
    }

    @Test
    void shapesWithoutATraceableOriginStayForwardShapes() {
        // s = reshape(x) + w: s's rows are the Reshape's own, and nothing the backward reads has them
        OnnxModel model = model(List.of(floats("w", new long[] {4}, new float[4]), ints("rows", -1, 4), ints("to", -1, 2, 2)),
                node("Reshape", "r", "x", "rows"), node("Add", "s", "r", "w"), node("Reshape", "y", "s", "to"));
        TrainingGraphs graphs = differentiate(model, List.of("w"));
        assertEquals(List.of("s::shape"), graphs.stash());
        assertTrue(graphs.forward().proto().getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Shape")));
    }

    private static float[] weightGradient(TrainingGraphs graphs, float[] x, float[] r) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ModelSession backward = ModelSession.open(graphs.backward());
             OnnxTensor xs = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {3, 4});
             OnnxTensor dy = OnnxTensor.createTensor(env, FloatBuffer.wrap(r), new long[] {3, 2, 2})) {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            feeds.put("x", xs);
            feeds.put(graphs.outputGradientInputs().get("y"), dy);
            try (OrtSession.Result result = backward.session().run(feeds)) {
                FloatBuffer out = ((OnnxTensor) result.get(graphs.parameterGradients().get("w")).orElseThrow()).getFloatBuffer();
                float[] got = new float[out.remaining()];
                out.get(got);
                return got;
            }
        }
    }
}
