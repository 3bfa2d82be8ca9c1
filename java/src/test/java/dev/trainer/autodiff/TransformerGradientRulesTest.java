package dev.trainer.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.ModelException;
import dev.trainer.onnx.Attributes;
import org.junit.jupiter.api.Test;

/**
 * One finite-difference check per rule that transformers exported from PyTorch need, in both
 * exporter styles (TorchScript, opset 11-17, and torch.export, opset 18+), plus composites.
 */
class TransformerGradientRulesTest {

    private static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private static NodeProto node(String op, String[] inputs, String[] outputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + outputs[0]);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (String o : outputs) {
            b.addOutput(o);
        }
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    private static NodeProto node(String op, String[] inputs, String output, AttributeProto... attributes) {
        return node(op, inputs, new String[] {output}, attributes);
    }

    private static String[] in(String... names) {
        return names;
    }

    private static long[] s(long... dims) {
        return dims;
    }

    private static double[] positive(int n, double low, double high, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * r.nextDouble();
        }
        return v;
    }

    @Test
    void everyTransformerOpIsInTheRegistryThatInspectReads() {
        for (String op : new String[] {"LayerNormalization", "ReduceMean", "ReduceSum", "Pow", "Sqrt", "Erf", "Gelu",
                "Exp", "Log", "Neg", "Softmax", "MatMul", "Gather", "GatherND", "GatherElements", "Slice", "Split",
                "Squeeze", "Unsqueeze", "Expand", "Where", "Cast", "Max", "Min", "Tanh", "Dropout"}) {
            org.junit.jupiter.api.Assertions.assertTrue(GradientRules.isDifferentiable(op), op);
        }
    }

    // LayerNormalization (opset 17)

    @Test
    void layerNormalizationOverTheLastAxisWithBias() throws Exception {
        new GradientCheck(100).param("x", 2, 3, 5).param("scale", 5).param("bias", 5)
                .node(node("LayerNormalization", in("x", "scale", "bias"), "y", Attributes.ofFloat("epsilon", 1e-3f)))
                .run();
    }

    @Test
    void layerNormalizationOverTwoAxesWithoutBias() throws Exception {
        new GradientCheck(101).param("x", 2, 3, 4).param("scale", 3, 4)
                .node(node("LayerNormalization", in("x", "scale"), "y", Attributes.ofInt("axis", 1))).run();
    }

    @Test
    void layerNormalizationMeanAndInvStdDevOutputs() throws Exception {
        // Mean and InvStdDev are float (stash_type 1) whatever X is; float throughout here.
        new GradientCheck(102).float32().param("x", 2, 4).param("scale", 4).param("bias", 4)
                .node(node("LayerNormalization", in("x", "scale", "bias"), new String[] {"n", "m", "inv"}))
                .node(node("Add", in("n", "m"), "a")).node(node("Mul", in("a", "inv"), "y")).run();
    }

    // ReduceMean, ReduceSum: axes attribute before 18 / 13, input from then on

    @Test
    void reduceMeanAxesAttributeAtOpset13() throws Exception {
        new GradientCheck(110).opset(13).param("x", 2, 3, 4)
                .node(node("ReduceMean", in("x"), "y", Attributes.ofInts("axes", -1))).run();
        new GradientCheck(111).opset(13).param("x", 2, 3, 4)
                .node(node("ReduceMean", in("x"), "y", Attributes.ofInts("axes", 0, 2), Attributes.ofInt("keepdims", 0))).run();
    }

    @Test
    void reduceMeanAxesInputAtOpset18() throws Exception {
        new GradientCheck(112).opset(18).param("x", 2, 3, 4).ints("axes", -1, 1)
                .node(node("ReduceMean", in("x", "axes"), "y", Attributes.ofInt("keepdims", 0))).run();
        new GradientCheck(113).opset(18).param("x", 2, 3)
                .node(node("ReduceMean", in("x"), "y", Attributes.ofInt("keepdims", 0))).run();
        new GradientCheck(114).opset(18).param("x", 2, 3)
                .node(node("ReduceMean", in("x"), "m", Attributes.ofInt("noop_with_empty_axes", 1)))
                .node(node("Mul", in("m", "x"), "y")).run();
    }

    @Test
    void reduceSumAxesAttributeAtOpset11AndInputAtOpset13() throws Exception {
        new GradientCheck(115).opset(11).param("x", 2, 3, 4)
                .node(node("ReduceSum", in("x"), "y", Attributes.ofInts("axes", 1), Attributes.ofInt("keepdims", 0))).run();
        new GradientCheck(116).opset(13).param("x", 2, 3, 4).ints("axes", 0, -1)
                .node(node("ReduceSum", in("x", "axes"), "y")).run();
    }

    // Pointwise math

    @Test
    void powWithConstantExponentOnSignedBase() throws Exception {
        new GradientCheck(120).opset(11).param("x", s(3, 4), 0.1).constant("two", s(), new double[] {2})
                .node(node("Pow", in("x", "two"), "y")).run();
        new GradientCheck(121).param("x", s(3, 4), 0.1).constant("three", s(1), new double[] {3})
                .node(node("Pow", in("x", "three"), "y")).run();
    }

    @Test
    void powBaseAndExponentGradients() throws Exception {
        new GradientCheck(122).param("a", s(2, 3), positive(6, 0.3, 2, 1)).param("b", s(3), positive(3, -1.5, 2.5, 2))
                .node(node("Pow", in("a", "b"), "y")).run();
    }

    @Test
    void sqrtExpLog() throws Exception {
        new GradientCheck(123).param("x", s(3, 4), positive(12, 0.2, 3, 3)).node(node("Sqrt", in("x"), "y")).run();
        new GradientCheck(124).param("x", 3, 4).node(node("Exp", in("x"), "y")).run();
        new GradientCheck(125).param("x", s(3, 4), positive(12, 0.2, 3, 4)).node(node("Log", in("x"), "y")).run();
    }

    @Test
    void erf() throws Exception {
        new GradientCheck(126).float32().param("x", 3, 5).node(node("Erf", in("x"), "y")).run();
    }

    @Test
    void geluExactAndTanhAtOpset20() throws Exception {
        double[] x = {-3, -2.1, -1.3, -0.7, -0.2, 0.05, 0.4, 0.9, 1.6, 2.4, 3.1, 4};
        new GradientCheck(127).float32().opset(20).param("x", s(3, 4), x).node(node("Gelu", in("x"), "y")).run();
        new GradientCheck(128).float32().opset(20).param("x", s(3, 4), x)
                .node(node("Gelu", in("x"), "y", Attributes.ofString("approximate", "tanh"))).run();
    }

    @Test
    void whereWithBroadcastValues() throws Exception {
        new GradientCheck(129).constant("c", s(2, 3), new double[] {1, 0, 1, 0, 0, 1}, BOOL)
                .param("a", 2, 3).param("b", 3).node(node("Where", in("c", "a", "b"), "y")).run();
    }

    @Test
    void castToFloatAndBack() throws Exception {
        new GradientCheck(130).float32().param("x", 3, 4)
                .node(node("Cast", in("x"), "f", Attributes.ofInt("to", TensorProto.DataType.DOUBLE_VALUE)))
                .node(node("Tanh", in("f"), "t"))
                .node(node("Cast", in("t"), "y", Attributes.ofInt("to", TensorProto.DataType.FLOAT_VALUE))).run();
    }

    @Test
    void maxAndMinOfThreeBroadcastInputs() throws Exception {
        for (String op : new String[] {"Max", "Min"}) {
            new GradientCheck(131).param("a", 2, 3).param("b", 3).param("c", 2, 1).node(node(op, in("a", "b", "c"), "y")).run();
        }
    }

    @Test
    void maxSplitsTiesEvenly() throws Exception {
        // Here y = max(x, x) = x: each input gets half of dy, which sums to dy = dL/dx.
        new GradientCheck(132).param("x", 2, 3).node(node("Max", in("x", "x"), "y")).run();
    }

    // Softmax and MatMul as attention uses them

    @Test
    void softmaxNegativeAxisBothOpsetSemantics() throws Exception {
        new GradientCheck(140).opset(11).param("x", 2, 3, 4).node(node("Softmax", in("x"), "y", Attributes.ofInt("axis", -2))).run();
        new GradientCheck(141).opset(13).param("x", 2, 3, 4).node(node("Softmax", in("x"), "y", Attributes.ofInt("axis", -2))).run();
        new GradientCheck(142).opset(11).param("x", 2, 3, 4).node(node("Softmax", in("x"), "y", Attributes.ofInt("axis", -1))).run();
    }

    @Test
    void matmulAttentionShaped() throws Exception {
        new GradientCheck(143).param("q", 2, 2, 3, 4).param("k", 2, 2, 4, 3).node(node("MatMul", in("q", "k"), "y")).run();
    }

    // Indexing

    @Test
    void gatherEmbeddingLookupAccumulatesRepeatedAndNegativeIndices() throws Exception {
        new GradientCheck(150).param("table", 5, 3).ints("ids", s(2, 3), 0, 4, -1, 2, 0, 0)
                .node(node("Gather", in("table", "ids"), "y")).run();
    }

    @Test
    void gatherAlongInnerAxesAndScalarIndex() throws Exception {
        new GradientCheck(151).param("x", 2, 5, 3).ints("i", s(2, 2), 1, -1, 1, 3)
                .node(node("Gather", in("x", "i"), "y", Attributes.ofInt("axis", 1))).run();
        new GradientCheck(152).param("x", 2, 5, 3).ints("i", s(), -2)
                .node(node("Gather", in("x", "i"), "y", Attributes.ofInt("axis", -1))).run();
        // the first position of a sequence: [batch, seq, hidden] -> [batch, hidden]
        new GradientCheck(155).param("x", 3, 5, 4).ints("i", s(), 0)
                .node(node("Gather", in("x", "i"), "y", Attributes.ofInt("axis", 1))).run();
    }

    /** Found by the loader fuzz: an axis beyond the data's rank made a negative array in the rule. */
    @Test
    void gatherAlongAnAxisTheDataLacksIsAModelError() {
        for (long axis : new long[] {3, 4, -4}) {
            GradientCheck check = new GradientCheck(156).param("x", 2, 5, 3).ints("i", s(), 0)
                    .node(node("Gather", in("x", "i"), "y", Attributes.ofInt("axis", axis)));
            ModelException e = assertThrows(ModelException.class, check::run);
            assertTrue(e.getMessage().contains("Gather") && e.getMessage().contains("axis"), e.getMessage());
        }
    }

    /**
     * CLS pooling (h[:, 0], a scalar index on the middle axis) feeding a Linear: the Gather rule's dy
     * permutation is the identity here, and an identity Transpose after the Gemm's gradient was folded
     * by ONNX Runtime's GemmTransposeFusion into a real transpose (microsoft/onnxruntime#32228).
     */
    @Test
    void gatherScalarIndexMiddleAxisAfterGemmGradient() throws Exception {
        new GradientCheck(155).param("x", 2, 4, 3).param("w", 5, 3).ints("i", s(), 0)
                .node(node("Gather", in("x", "i"), "h", Attributes.ofInt("axis", 1)))
                .node(node("Gemm", in("h", "w"), "y", Attributes.ofInt("transB", 1))).run();
        new GradientCheck(156).param("x", 2, 3, 3).param("w", 3, 3).ints("i", s(), 0)
                .node(node("Gather", in("x", "i"), "h", Attributes.ofInt("axis", 1)))
                .node(node("Gemm", in("h", "w"), "y", Attributes.ofInt("transB", 1))).run();
    }

    @Test
    void gatherNdAndGatherElements() throws Exception {
        new GradientCheck(153).param("x", 3, 4, 2).ints("i", s(3, 2), 0, 1, 2, -1, 0, 1)
                .node(node("GatherND", in("x", "i"), "y")).run();
        new GradientCheck(154).param("x", 3, 4).ints("i", s(3, 2), 0, 3, -1, -1, 2, 1)
                .node(node("GatherElements", in("x", "i"), "y", Attributes.ofInt("axis", 1))).run();
    }

    @Test
    void sliceWithInputsClampedNegativeAndStepped() throws Exception {
        new GradientCheck(160).opset(13).param("x", 4, 6, 5)
                .ints("starts", 1, -1, 0).ints("ends", 100, -100, 5).ints("axes", 0, -2, 2).ints("steps", 1, -2, 2)
                .node(node("Slice", in("x", "starts", "ends", "axes", "steps"), "y")).run();
        new GradientCheck(161).opset(13).param("x", 4, 6)
                .ints("starts", -3).ints("ends", -1)
                .node(node("Slice", in("x", "starts", "ends"), "y")).run();
    }

    @Test
    void sliceWithAttributesBeforeOpset10() throws Exception {
        new GradientCheck(162).opset(9).param("x", 4, 6)
                .node(node("Slice", in("x"), "y", Attributes.ofInts("starts", 1, -4), Attributes.ofInts("ends", 3, 1000),
                        Attributes.ofInts("axes", 0, 1))).run();
    }

    // Moving elements

    @Test
    void splitWithSizesAsAttributeInputAndNumOutputs() throws Exception {
        new GradientCheck(170).opset(11).param("x", 2, 5)
                .node(node("Split", in("x"), new String[] {"a", "b", "c"}, Attributes.ofInt("axis", 1),
                        Attributes.ofInts("split", 2, 1, 2)))
                .node(node("Mul", in("a", "c"), "y")).run();
        new GradientCheck(171).opset(13).param("x", 5, 2).ints("sizes", 2, 1, 2)
                .node(node("Split", in("x", "sizes"), new String[] {"a", "b", "c"}))
                .node(node("Mul", in("a", "c"), "m")).node(node("Add", in("m", "b"), "y")).run();
        new GradientCheck(172).opset(18).param("x", 2, 6)
                .node(node("Split", in("x"), new String[] {"a", "b", "c"}, Attributes.ofInt("axis", -1),
                        Attributes.ofInt("num_outputs", 3)))
                .node(node("Mul", in("b", "c"), "y")).run();
    }

    @Test
    void squeezeAndUnsqueezeAxesAsAttributeAndInput() throws Exception {
        new GradientCheck(173).opset(11).param("x", 2, 1, 3)
                .node(node("Squeeze", in("x"), "s", Attributes.ofInts("axes", 1)))
                .node(node("Unsqueeze", in("s"), "u", Attributes.ofInts("axes", 0, -1)))
                .node(node("Mul", in("u", "u"), "y")).run();
        new GradientCheck(174).opset(13).param("x", 2, 1, 3).ints("one", 1).ints("axes", 0, -1)
                .node(node("Squeeze", in("x", "one"), "s"))
                .node(node("Unsqueeze", in("s", "axes"), "u"))
                .node(node("Mul", in("u", "u"), "y")).run();
    }

    @Test
    void expandSumsOverBroadcastAxes() throws Exception {
        new GradientCheck(175).param("x", 3, 1).ints("shape", 2, 3, 4).node(node("Expand", in("x", "shape"), "y")).run();
    }

    // Shape-only subgraphs are constants

    @Test
    void maskBuiltFromShapesNeedsNoRules() throws Exception {
        new GradientCheck(180).opset(13).param("x", 2, 3).constant("fill", s(), new double[] {-2})
                .ints("one", s(), 1).ints("zero", s(), 0).ints("step", s(), 1).ints("axis0", 0).ints("rows", 2)
                .ints("limit", s(), 2)
                .node(node("Shape", in("x"), "shape"))
                .node(node("Gather", in("shape", "one"), "n"))
                .node(node("Range", in("zero", "n", "step"), "positions"))
                .node(node("Less", in("positions", "limit"), "keep"))
                .node(node("Unsqueeze", in("keep", "axis0"), "row"))
                .node(node("Unsqueeze", in("n", "axis0"), "cols"))
                .node(node("Concat", in("rows", "cols"), "full", Attributes.ofInt("axis", 0)))
                .node(node("Expand", in("row", "full"), "mask"))
                .node(node("Where", in("mask", "x", "fill"), "masked"))
                .node(node("Mul", in("masked", "x"), "y")).run();
    }

    // Composites

    @Test
    void attentionBlockWithMaskResidualAndLayerNorm() throws Exception {
        // two heads of width 2 over [batch 2, seq 3, model 4]
        new GradientCheck(190).param("x", 2, 3, 4).param("wq", 4, 4).param("wk", 4, 4).param("wv", 4, 4)
                .param("gamma", 4).param("beta", 4)
                .constant("mask", s(2, 1, 1, 3), new double[] {0, 0, -1e4, 0, -1e4, -1e4})
                .constant("sqrtD", s(), new double[] {Math.sqrt(2)})
                .ints("heads", 2, 3, 2, 2).ints("model", 2, 3, 4)
                .node(node("MatMul", in("x", "wq"), "q")).node(node("MatMul", in("x", "wk"), "k"))
                .node(node("MatMul", in("x", "wv"), "v"))
                .node(node("Reshape", in("q", "heads"), "q4")).node(node("Reshape", in("k", "heads"), "k4"))
                .node(node("Reshape", in("v", "heads"), "v4"))
                .node(node("Transpose", in("q4"), "qh", Attributes.ofInts("perm", 0, 2, 1, 3)))
                .node(node("Transpose", in("k4"), "kt", Attributes.ofInts("perm", 0, 2, 3, 1)))
                .node(node("Transpose", in("v4"), "vh", Attributes.ofInts("perm", 0, 2, 1, 3)))
                .node(node("MatMul", in("qh", "kt"), "scores"))
                .node(node("Div", in("scores", "sqrtD"), "scaled"))
                .node(node("Add", in("scaled", "mask"), "masked"))
                .node(node("Softmax", in("masked"), "p", Attributes.ofInt("axis", -1)))
                .node(node("MatMul", in("p", "vh"), "o"))
                .node(node("Transpose", in("o"), "ot", Attributes.ofInts("perm", 0, 2, 1, 3)))
                .node(node("Reshape", in("ot", "model"), "merged"))
                .node(node("Add", in("merged", "x"), "residual"))
                .node(node("LayerNormalization", in("residual", "gamma", "beta"), "y"))
                .run();
    }

    @Test
    void torchScriptLayerNormAndErfGelu() throws Exception {
        new GradientCheck(191).float32().opset(11).param("x", 2, 3, 4).param("gamma", 4).param("beta", 4)
                .constant("two", s(), new double[] {2}).constant("eps", s(), new double[] {1e-5})
                .constant("sqrt2", s(), new double[] {Math.sqrt(2)}).constant("one", s(), new double[] {1})
                .constant("half", s(), new double[] {0.5})
                .node(node("ReduceMean", in("x"), "mean", Attributes.ofInts("axes", -1)))
                .node(node("Sub", in("x", "mean"), "d"))
                .node(node("Pow", in("d", "two"), "d2"))
                .node(node("ReduceMean", in("d2"), "var", Attributes.ofInts("axes", -1)))
                .node(node("Add", in("var", "eps"), "ve"))
                .node(node("Sqrt", in("ve"), "std"))
                .node(node("Div", in("d", "std"), "n"))
                .node(node("Mul", in("n", "gamma"), "g"))
                .node(node("Add", in("g", "beta"), "h"))
                .node(node("Div", in("h", "sqrt2"), "e"))
                .node(node("Erf", in("e"), "erf"))
                .node(node("Add", in("erf", "one"), "e1"))
                .node(node("Mul", in("h", "e1"), "he"))
                .node(node("Mul", in("he", "half"), "y"))
                .run();
    }

    @Test
    void decomposedLayerNormTakesTheFusedRuleInBothExporterStyles() throws Exception {
        // opset 11: axes as attribute, Pow; opset 18: axes as input, Mul
        for (int opset : new int[] {11, 18}) {
            GradientCheck check = affine(normalization(new GradientCheck(192).opset(opset), opset), "n");
            check.run();
            assertTrue(backwardOps(check).stream().noneMatch(op -> op.equals("Expand") || op.equals("Pow")),
                    () -> "opset " + opset + ": the op-by-op rules ran: " + backwardOps(check));
        }
    }

    @Test
    void layerNormWhoseMeanIsReadElsewhereKeepsTheOpByOpRules() throws Exception {
        GradientCheck check = affine(normalization(new GradientCheck(193).opset(11), 11)
                .node(node("Add", in("n", "mean"), "shifted")), "shifted");
        check.run();
        assertTrue(backwardOps(check).contains("Expand"), () -> backwardOps(check).toString());
    }

    /** x [2, 3, 5] normalized over the last axis as exporters write it: n. */
    private static GradientCheck normalization(GradientCheck check, int opset) {
        check.param("x", 2, 3, 5).param("gamma", 5).param("beta", 5)
                .constant("two", s(), new double[] {2}).constant("eps", s(), new double[] {1e-5});
        if (opset >= 18) {
            check.ints("axes", -1)
                    .node(node("ReduceMean", in("x", "axes"), "mean"))
                    .node(node("Sub", in("x", "mean"), "d"))
                    .node(node("Mul", in("d", "d"), "d2"))
                    .node(node("ReduceMean", in("d2", "axes"), "var"));
        } else {
            check.node(node("ReduceMean", in("x"), "mean", Attributes.ofInts("axes", -1)))
                    .node(node("Sub", in("x", "mean"), "d"))
                    .node(node("Pow", in("d", "two"), "d2"))
                    .node(node("ReduceMean", in("d2"), "var", Attributes.ofInts("axes", -1)));
        }
        return check.node(node("Add", in("eps", "var"), "ve"))
                .node(node("Sqrt", in("ve"), "std"))
                .node(node("Div", in("d", "std"), "n"));
    }

    /** y = normalized * gamma + beta. */
    private static GradientCheck affine(GradientCheck check, String normalized) {
        return check.node(node("Mul", in(normalized, "gamma"), "g")).node(node("Add", in("g", "beta"), "y"));
    }

    private static java.util.Set<String> backwardOps(GradientCheck check) {
        return check.graphs().backward().proto().getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .collect(java.util.stream.Collectors.toSet());
    }
}
