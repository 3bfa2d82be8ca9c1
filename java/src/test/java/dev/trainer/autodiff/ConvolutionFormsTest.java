package dev.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.trainer.onnx.Attributes;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ModelSession;
import dev.trainer.runtime.ShapeInference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The per-shape forms of the Conv and MaxPool gradients (ConvolutionForms, Im2Col): each form
 * checked against finite differences on a shape that selects it, and the selection itself.
 */
class ConvolutionFormsTest {

    private static NodeProto node(String op, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase()).addOutput("y")
                .addAllInput(inputs);
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    private static NodeProto conv(AttributeProto... attributes) {
        return node("Conv", List.of("x", "w", "bias"), attributes);
    }

    /** Checks the gradients against finite differences and returns the op types of the backward graph. */
    private static Set<String> check(long seed, long[] x, long[] w, NodeProto node) throws Exception {
        GradientCheck check = new GradientCheck(seed).float32().param("x", x).param("w", w).param("bias", w[0]).node(node);
        check.run();
        return backwardOps(check);
    }

    private static Set<String> backwardOps(GradientCheck check) {
        return check.graphs().backward().proto().getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .collect(Collectors.toSet());
    }

    @Test
    void fewOutputPositionsTakeOneProductAndCol2Im() throws Exception {
        Set<String> ops = check(400, new long[] {3, 4, 5, 5}, new long[] {6, 4, 3, 3},
                conv(Attributes.ofInts("pads", 1, 1, 1, 1)));
        assertTrue(ops.containsAll(Set.of("Gemm", "Col2Im")) && !ops.contains("ConvTranspose") && !ops.contains("Conv"), ops::toString);
    }

    @Test
    void stridedDilatedAsymmetricallyPaddedColumns() throws Exception {
        Set<String> ops = check(401, new long[] {2, 3, 9, 8}, new long[] {4, 3, 3, 2},
                conv(Attributes.ofInts("pads", 2, 0, 1, 1), Attributes.ofInts("strides", 2, 3),
                        Attributes.ofInts("dilations", 2, 1)));
        assertTrue(ops.contains("Col2Im"), ops::toString);
    }

    @Test
    void fewOutputPositionsRewriteTheForwardConvAsOneProduct() throws Exception {
        NodeProto node = conv(Attributes.ofInts("pads", 1, 0, 1, 1), Attributes.ofInts("strides", 2, 2),
                Attributes.ofInts("dilations", 1, 2));
        long[] x = {3, 4, 5, 6};
        long[] w = {5, 4, 3, 2};
        GradientCheck check = new GradientCheck(410).float32().param("x", x).param("w", w).param("bias", w[0]).node(node);
        check.run();
        Set<String> forward = check.graphs().forward().proto().getGraph().getNodeList().stream()
                .map(NodeProto::getOpType).collect(Collectors.toSet());
        assertTrue(forward.contains("Gemm") && !forward.contains("Conv"), forward::toString);
        assertTrue(check.graphs().stash().stream().anyMatch(s -> s.startsWith("trainer::")), "the patches are stashed");
        assertArrayEquals(run(check.model(), check), run(check.graphs().forward(), check), 1e-5f,
                "the rewritten forward computes the Conv");
    }

    /** Output y of a graph whose trainable tensors are fed (the forward graph) or are initializers (the model). */
    private static float[] run(OnnxModel model, GradientCheck check) throws Exception {
        Map<String, OnnxTensor> feeds = check.feeds(model);
        try (ModelSession session = ModelSession.open(model); OrtSession.Result result = session.session().run(feeds)) {
            FloatBuffer y = ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer();
            float[] out = new float[y.remaining()];
            y.get(out);
            return out;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void manyOutputPositionsKeepConvTranspose() throws Exception {
        Set<String> ops = check(402, new long[] {2, 2, 9, 9}, new long[] {3, 2, 3, 3},
                conv(Attributes.ofInts("pads", 1, 1, 1, 1)));
        assertTrue(ops.contains("ConvTranspose") && !ops.contains("Col2Im") && ops.contains("Gemm"), ops::toString);
    }

    @Test
    void largeKernelsKeepTheCorrelationForm() throws Exception {
        Set<String> ops = check(403, new long[] {2, 2, 9, 9}, new long[] {3, 2, 5, 5},
                conv(Attributes.ofInts("pads", 2, 2, 2, 2), Attributes.ofInts("strides", 2, 2)));
        assertTrue(ops.contains("Conv") && ops.contains("Col2Im"), ops::toString);
    }

    @Test
    void pointwiseConvIsPlainProducts() throws Exception {
        Set<String> ops = check(404, new long[] {3, 5, 4, 3}, new long[] {6, 5, 1, 1}, conv());
        assertTrue(!ops.contains("Col2Im") && !ops.contains("ConvTranspose") && !ops.contains("Slice"), ops::toString);
    }

    @Test
    void stridedPointwiseConv() throws Exception {
        Set<String> ops = check(405, new long[] {3, 4, 6, 5}, new long[] {5, 4, 1, 1}, conv(Attributes.ofInts("strides", 2, 2)));
        assertTrue(ops.contains("Col2Im"), ops::toString);
    }

    @Test
    void depthwiseConvOnSmallImagesIsAMatrixPerChannel() throws Exception {
        NodeProto node = conv(Attributes.ofInt("group", 3), Attributes.ofInts("pads", 2, 1, 2, 2),
                Attributes.ofInts("strides", 2, 1));
        GradientCheck check = new GradientCheck(406).float32().param("x", 2, 3, 5, 3).param("w", 3, 1, 5, 3)
                .param("bias", 3).node(node);
        check.run();
        Set<String> forward = check.graphs().forward().proto().getGraph().getNodeList().stream()
                .map(NodeProto::getOpType).collect(Collectors.toSet());
        Set<String> backward = backwardOps(check);
        assertTrue(!forward.contains("Conv") && forward.contains("MatMul") && backward.contains("MatMul")
                && !backward.contains("ConvTranspose") && !backward.contains("Conv"), forward + " " + backward);
        assertArrayEquals(run(check.model(), check), run(check.graphs().forward(), check), 1e-5f);
    }

    @Test
    void depthwiseConvOfManyPositionsTakesItsWeightGradientTapByTap() throws Exception {
        Set<String> depthwise = check(407, new long[] {2, 3, 9, 9}, new long[] {3, 1, 3, 3},
                conv(Attributes.ofInt("group", 3), Attributes.ofInts("pads", 1, 1, 1, 1)));
        assertTrue(depthwise.contains("ConvTranspose") && !depthwise.contains("Conv") && depthwise.contains("Slice"),
                depthwise::toString);
        Set<String> strided = check(412, new long[] {2, 4, 11, 10}, new long[] {4, 1, 3, 2},
                conv(Attributes.ofInt("group", 4), Attributes.ofInts("pads", 1, 0, 2, 1), Attributes.ofInts("strides", 2, 1),
                        Attributes.ofInts("dilations", 1, 2)));
        assertTrue(!strided.contains("Conv"), strided::toString);
    }

    @Test
    void groupedConvsKeepOrtsKernels() throws Exception {
        Set<String> grouped = check(411, new long[] {2, 4, 5, 5}, new long[] {6, 2, 3, 3}, conv(Attributes.ofInt("group", 2)));
        assertTrue(grouped.contains("ConvTranspose") && grouped.contains("Conv"), grouped::toString);
    }

    @Test
    void maxPoolByWindowsInFloat32() throws Exception {
        GradientCheck check = new GradientCheck(408).float32().param("x", new long[] {2, 3, 7, 6}, 0.0)
                .node(node("MaxPool", List.of("x"), Attributes.ofInts("kernel_shape", 3, 2),
                        Attributes.ofInts("strides", 2, 1), Attributes.ofInts("pads", 1, 0, 1, 1),
                        Attributes.ofInts("dilations", 1, 2)));
        check.run();
        assertTrue(backwardOps(check).contains("Col2Im"));
        assertEquals(1, check.graphs().forward().proto().getGraph().getNode(0).getOutputCount(),
                "the forward MaxPool needs no indices");
    }

    @Test
    void maxPoolWithCeilModeUsesIndices() throws Exception {
        GradientCheck check = new GradientCheck(409).float32().param("x", new long[] {2, 2, 6, 6}, 0.0)
                .node(node("MaxPool", List.of("x"), Attributes.ofInts("kernel_shape", 3, 3),
                        Attributes.ofInts("strides", 2, 2), Attributes.ofInt("ceil_mode", 1)));
        check.run();
        assertTrue(backwardOps(check).contains("ScatterElements"));
    }

    /** Among equal values in a window, the gradient goes to the first, as PyTorch's and ORT's MaxPool choose. */
    @Test
    void maxPoolTiesGoToTheFirstMaximum() throws Exception {
        // one 2x2 window of four equal values, one window [5, 7 | 7, 1]: ties at 7 too
        float[] x = {3, 3, 5, 7, 3, 3, 7, 1};
        ByteBuffer bytes = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            bytes.putFloat(v);
        }
        GraphProto graph = GraphProto.newBuilder().setName("ties")
                .addInitializer(TensorTypes.tensor("x", TensorProto.DataType.FLOAT_VALUE, new long[] {1, 1, 2, 4}, bytes.flip()))
                .addOutput(valueInfo("y", 1, 1, 1, 2))
                .addNode(node("MaxPool", List.of("x"), Attributes.ofInts("kernel_shape", 2, 2), Attributes.ofInts("strides", 2, 2)))
                .build();
        OnnxModel model = OnnxModel.of(ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(graph).build());
        TrainingGraphs graphs = ReverseMode.differentiate(model, List.of("x"), List.of("y"), ShapeInference.infer(model));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ModelSession backward = ModelSession.open(graphs.backward());
             OnnxTensor xs = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 1, 2, 4});
             OnnxTensor dy = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {10, 20}), new long[] {1, 1, 1, 2})) {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            feeds.put("x", xs);
            feeds.put(graphs.outputGradientInputs().get("y"), dy);
            try (OrtSession.Result result = backward.session().run(feeds)) {
                FloatBuffer dx = ((OnnxTensor) result.get(graphs.parameterGradients().get("x")).orElseThrow()).getFloatBuffer();
                float[] got = new float[dx.remaining()];
                dx.get(got);
                assertArrayEquals(new float[] {10, 0, 0, 20, 0, 0, 0, 0}, got);
            }
        }
    }

    private static ValueInfoProto valueInfo(String name, long... dims) {
        return ReverseMode.valueInfo(name, new ValueType(TensorProto.DataType.FLOAT_VALUE, dims));
    }
}
