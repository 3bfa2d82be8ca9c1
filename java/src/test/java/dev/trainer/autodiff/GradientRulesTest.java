package dev.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import dev.trainer.ModelException;
import org.junit.jupiter.api.Test;

/** One finite-difference check per gradient rule, with the op's attributes exercised. */
class GradientRulesTest {

    private static NodeProto node(String op, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase()).addOutput(output);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    private static String[] in(String... names) {
        return names;
    }

    private static long[] s(long... dims) {
        return dims;
    }

    @Test
    void addBroadcastsAcrossLeadingAndUnitAxes() throws Exception {
        new GradientCheck(1).param("a", 2, 3, 4).param("b", 3, 1).node(node("Add", in("a", "b"), "y")).run();
    }

    @Test
    void subBroadcastsAndNegates() throws Exception {
        new GradientCheck(2).param("a", 4).param("b", 2, 1, 4).node(node("Sub", in("a", "b"), "y")).run();
    }

    @Test
    void mulBroadcasts() throws Exception {
        new GradientCheck(3).param("a", 2, 3).param("b", 1, 3).node(node("Mul", in("a", "b"), "y")).run();
    }

    @Test
    void divBroadcastsAwayFromZero() throws Exception {
        new GradientCheck(4).param("a", 2, 3).param("b", s(3), 0.5).node(node("Div", in("a", "b"), "y")).run();
    }

    @Test
    void gemmWithEveryTransposeAndScale() throws Exception {
        for (int transA = 0; transA <= 1; transA++) {
            for (int transB = 0; transB <= 1; transB++) {
                new GradientCheck(10 + 2 * transA + transB)
                        .param("a", transA == 0 ? s(3, 4) : s(4, 3))
                        .param("b", transB == 0 ? s(4, 5) : s(5, 4))
                        .param("c", 5)
                        .node(node("Gemm", in("a", "b", "c"), "y", Attributes.ofInt("transA", transA),
                                Attributes.ofInt("transB", transB), Attributes.ofFloat("alpha", 0.7f),
                                Attributes.ofFloat("beta", 1.3f)))
                        .run();
            }
        }
    }

    @Test
    void matmulTwoDimensional() throws Exception {
        new GradientCheck(20).param("a", 3, 4).param("b", 4, 2).node(node("MatMul", in("a", "b"), "y")).run();
    }

    @Test
    void matmulBatchedWithBroadcastOperand() throws Exception {
        new GradientCheck(21).param("a", 2, 3, 3, 4).param("b", 3, 4, 5).node(node("MatMul", in("a", "b"), "y")).run();
    }

    @Test
    void matmulOfASequenceByASharedWeight() throws Exception {
        // a linear layer over [batch, seq, k]: the weight's gradient sums over batch and sequence
        new GradientCheck(24).param("a", 2, 3, 4).param("w", 4, 5).node(node("MatMul", in("a", "w"), "y")).run();
        new GradientCheck(25).param("a", 2, 2, 3, 4).param("w", 4, 2).node(node("MatMul", in("a", "w"), "y")).run();
    }

    @Test
    void matmulVectorOperands() throws Exception {
        new GradientCheck(22).param("a", 4).param("b", 2, 4, 3).node(node("MatMul", in("a", "b"), "y")).run();
        new GradientCheck(23).param("a", 2, 3, 4).param("b", 4).node(node("MatMul", in("a", "b"), "y")).run();
    }

    @Test
    void relu() throws Exception {
        new GradientCheck(30).param("x", s(3, 5), 0.05).node(node("Relu", in("x"), "y")).run();
    }

    @Test
    void leakyRelu() throws Exception {
        new GradientCheck(31).float32().param("x", s(3, 5), 0.05)
                .node(node("LeakyRelu", in("x"), "y", Attributes.ofFloat("alpha", 0.2f))).run();
    }

    @Test
    void sigmoid() throws Exception {
        new GradientCheck(32).param("x", 3, 5).node(node("Sigmoid", in("x"), "y")).run();
    }

    @Test
    void tanh() throws Exception {
        new GradientCheck(33).param("x", 3, 5).node(node("Tanh", in("x"), "y")).run();
    }

    @Test
    void hardSigmoidInsideAndOutsideItsRamp() throws Exception {
        // alpha x + beta leaves [0, 1] at x = -1/3 and x = 7/9: values on all three pieces, away from both
        double[] x = {-1.5, -0.9, -0.5, -0.2, 0.1, 0.4, 0.6, 0.7, 0.9, 1.2, 2.0, -2.5};
        new GradientCheck(34).float32().param("x", s(3, 4), x)
                .node(node("HardSigmoid", in("x"), "y", Attributes.ofFloat("alpha", 0.9f), Attributes.ofFloat("beta", 0.3f)))
                .run();
    }

    @Test
    void hardSwishOnAllThreePieces() throws Exception {
        double[] x = {-5, -3.5, -2.5, -1, -0.2, 0.3, 1.1, 2.4, 2.9, 3.4, 4.5, 6};
        new GradientCheck(35).float32().param("x", s(12), x).node(node("HardSwish", in("x"), "y")).run();
    }

    @Test
    void softmaxOnEachAxisAndOpsetSemantics() throws Exception {
        new GradientCheck(40).param("x", 2, 3, 4).node(node("Softmax", in("x"), "y", Attributes.ofInt("axis", 1))).run();
        new GradientCheck(41).param("x", 2, 3, 4).node(node("Softmax", in("x"), "y")).run();
        new GradientCheck(42).opset(11).param("x", 2, 3, 4).node(node("Softmax", in("x"), "y", Attributes.ofInt("axis", 1))).run();
    }

    @Test
    void logSoftmaxBothOpsetSemantics() throws Exception {
        new GradientCheck(43).param("x", 2, 5).node(node("LogSoftmax", in("x"), "y")).run();
        new GradientCheck(44).opset(11).param("x", 2, 3, 4).node(node("LogSoftmax", in("x"), "y", Attributes.ofInt("axis", 1))).run();
    }

    @Test
    void clipWithInputBoundsAndAttributeBounds() throws Exception {
        new GradientCheck(45).param("x", s(4, 5), 0.05)
                .constant("lo", s(), new double[] {-0.5}).constant("hi", s(), new double[] {0.6})
                .node(node("Clip", in("x", "lo", "hi"), "y")).run();
        new GradientCheck(46).float32().opset(6).param("x", s(4, 5), 0.05)
                .node(node("Clip", in("x"), "y", Attributes.ofFloat("min", -0.5f), Attributes.ofFloat("max", 0.55f))).run();
    }

    @Test
    void shapeOpsMoveGradientsBack() throws Exception {
        new GradientCheck(50).param("x", 2, 3, 4).node(node("Identity", in("x"), "a"))
                .node(node("Flatten", in("a"), "b", Attributes.ofInt("axis", 2)))
                .node(node("Transpose", in("b"), "c", Attributes.ofInts("perm", 1, 0)))
                .node(node("Reshape", in("c", "shape"), "d"))
                .node(node("Dropout", in("d"), "e"))
                .node(node("Mul", in("e", "w"), "y"))
                .constant("shape", s(2), new double[] {4, 6}, TensorProto.DataType.INT64_VALUE)
                .param("w", 4, 6).run();
    }

    @Test
    void concatSplitsTheGradientAlongItsAxis() throws Exception {
        new GradientCheck(51).param("a", 2, 3).param("b", 2, 1).param("c", 2, 2)
                .node(node("Concat", in("a", "b", "c"), "y", Attributes.ofInt("axis", -1))).run();
    }

    @Test
    void convWithPadsStridesDilations() throws Exception {
        new GradientCheck(60).float32().param("x", 2, 3, 7, 6).param("w", 4, 3, 3, 2).param("bias", 4)
                .node(node("Conv", in("x", "w", "bias"), "y", Attributes.ofInts("pads", 1, 0, 2, 1),
                        Attributes.ofInts("strides", 2, 1), Attributes.ofInts("dilations", 1, 2)))
                .run();
    }

    @Test
    void convWithGroupsAndSamePadding() throws Exception {
        new GradientCheck(61).float32().param("x", 2, 4, 5, 5).param("w", 6, 2, 3, 3)
                .node(node("Conv", in("x", "w"), "y", Attributes.ofInt("group", 2),
                        Attributes.ofString("auto_pad", "SAME_UPPER"), Attributes.ofInts("strides", 2, 2)))
                .run();
    }

    @Test
    void depthwiseConvOneDimensional() throws Exception {
        new GradientCheck(62).float32().param("x", 3, 3, 9).param("w", 3, 1, 3)
                .node(node("Conv", in("x", "w"), "y", Attributes.ofInt("group", 3), Attributes.ofInts("strides", 2)))
                .run();
    }

    @Test
    void maxPoolWithOverlappingWindowsAndPads() throws Exception {
        new GradientCheck(70).param("x", 2, 2, 5, 5)
                .node(node("MaxPool", in("x"), "y", Attributes.ofInts("kernel_shape", 3, 3),
                        Attributes.ofInts("strides", 2, 2), Attributes.ofInts("pads", 1, 1, 1, 1)))
                .run();
    }

    @Test
    void averagePoolCountingAndNotCountingPads() throws Exception {
        for (int include = 0; include <= 1; include++) {
            new GradientCheck(71 + include).float32().param("x", 2, 3, 6, 5)
                    .node(node("AveragePool", in("x"), "y", Attributes.ofInts("kernel_shape", 3, 2),
                            Attributes.ofInts("strides", 2, 2), Attributes.ofInts("pads", 1, 0, 1, 1),
                            Attributes.ofInt("count_include_pad", include)))
                    .run();
        }
    }

    @Test
    void averagePoolOfOneByOneWindowsIsTheIdentity() throws Exception {
        // AlexNet's and VGG's AdaptiveAvgPool2d((6, 6)) / ((7, 7)) over a map of that size, as exported
        new GradientCheck(74).float32().param("x", 2, 256, 6, 6)
                .node(node("AveragePool", in("x"), "y", Attributes.ofInts("kernel_shape", 1, 1), Attributes.ofInts("strides", 1, 1)))
                .run();
    }

    @Test
    void globalAveragePool() throws Exception {
        new GradientCheck(73).float32().param("x", 2, 3, 4, 5).node(node("GlobalAveragePool", in("x"), "y")).run();
    }

    @Test
    void batchNormalizationInferenceForm() throws Exception {
        new GradientCheck(80).param("x", 2, 3, 4, 4).param("scale", 3).param("bias", 3)
                .constant("mean", s(3), new double[] {0.1, -0.2, 0.3})
                .constant("var", s(3), new double[] {0.5, 1.5, 0.8})
                .node(node("BatchNormalization", in("x", "scale", "bias", "mean", "var"), "y",
                        Attributes.ofFloat("epsilon", 1e-3f)))
                .run();
    }

    @Test
    void batchNormalizationOverFeaturesAndSequences() throws Exception {
        // BatchNorm1d exports: [N, C] and [N, C, L]
        for (long[] dims : new long[][] {{4, 3}, {2, 3, 5}}) {
            new GradientCheck(81).param("x", dims).param("scale", 3).param("bias", 3)
                    .constant("mean", s(3), new double[] {0.1, -0.2, 0.3})
                    .constant("var", s(3), new double[] {0.5, 1.5, 0.8})
                    .node(node("BatchNormalization", in("x", "scale", "bias", "mean", "var"), "y")).run();
        }
    }

    @Test
    void gradientsSumOverValuesUsedTwice() throws Exception {
        new GradientCheck(90).param("x", 3, 4).param("w", 4, 4)
                .node(node("MatMul", in("x", "w"), "h")).node(node("Tanh", in("h"), "t"))
                .node(node("Add", in("t", "h"), "u")).node(node("Mul", in("u", "x"), "y")).run();
    }

    @Test
    void anOpWithoutARuleNamesTheOpNodeAndBlockedParameters() {
        GradientCheck check = new GradientCheck(91).float32().param("w", 3, 4).node(node("Sinh", in("w"), "e"))
                .node(node("Relu", in("e"), "y"));
        ModelException e = assertThrows(ModelException.class, check::run);
        assertTrue(e.getMessage().contains("Sinh") && e.getMessage().contains("'sinh'") && e.getMessage().contains("w")
                && e.getMessage().contains("freeze"), e.getMessage());
    }
}
