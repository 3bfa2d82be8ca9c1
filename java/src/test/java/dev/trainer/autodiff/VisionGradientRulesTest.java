package dev.trainer.autodiff;

import static dev.trainer.autodiff.Nodes.in;
import static dev.trainer.autodiff.Nodes.node;
import static dev.trainer.autodiff.Nodes.s;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the rules torchvision's exports need beyond the classic CNN ops:
 * Pad (DenseNet's pooling, Swin's windows), Einsum (MaxViT's attention), Mod, ScatterND and
 * ScatterElements, GatherND over batch axes; MobileNetV3's squeeze-and-excitation block.
 */
class VisionGradientRulesTest {

    @Test
    void padConstantWithValueAndCroppingPadsAsInput() throws Exception {
        new GradientCheck(300).opset(13).param("x", 2, 3, 4).ints("pads", 0, 1, -1, 1, 0, 2)
                .constant("v", s(), new double[] {0.5})
                .node(node("Pad", in("x", "pads", "v"), "y")).run();
    }

    @Test
    void padConstantAsAttributeBeforeOpset11() throws Exception {
        new GradientCheck(301).opset(10).param("x", 2, 3, 4)
                .node(node("Pad", in("x"), "y", Attributes.ofInts("pads", 0, 1, 2, 0, 2, 1),
                        Attributes.ofFloat("value", 0.25f))).run();
    }

    @Test
    void padReflectAndEdgeOnSeveralAxes() throws Exception {
        for (String mode : new String[] {"reflect", "edge"}) {
            new GradientCheck(302).opset(13).param("x", 2, 3, 5).ints("pads", 0, 2, 1, 0, 1, 3)
                    .node(node("Pad", in("x", "pads"), "y", Attributes.ofString("mode", mode))).run();
        }
    }

    @Test
    void padWrapAtOpset19() throws Exception {
        new GradientCheck(303).opset(19).param("x", 2, 3, 4).ints("pads", 0, 2, 1, 0, 1, 3)
                .node(node("Pad", in("x", "pads"), "y", Attributes.ofString("mode", "wrap"))).run();
    }

    @Test
    void padWithAxesInputAtOpset18() throws Exception {
        new GradientCheck(304).opset(18).param("x", 2, 3, 4).ints("pads", 1, 2).ints("axes", -1)
                .node(node("Pad", in("x", "pads", "", "axes"), "y", Attributes.ofString("mode", "reflect"))).run();
        new GradientCheck(305).opset(18).param("x", 2, 3, 4).ints("pads", 2, -1, 0, 1).ints("axes", 1, 2)
                .node(node("Pad", in("x", "pads", "", "axes"), "y")).run();
    }

    @Test
    void padsOnlyTheRunKnows() throws Exception {
        for (String mode : new String[] {"constant", "reflect", "edge"}) {
            // pads [0, 1, 2, 0, 2, 1], two of them the sizes of an input with symbolic axes
            new GradientCheck(306).opset(13).param("x", 2, 3, 5)
                    .input("n", s(1, 2), new double[] {0, 0}, TensorProto.DataType.DOUBLE_VALUE, 0, 1)
                    .ints("head", 0).ints("tail", 0, 2, 1)
                    .node(node("Shape", in("n"), "sizes"))
                    .node(node("Concat", in("head", "sizes", "tail"), "pads", Attributes.ofInt("axis", 0)))
                    .node(node("Pad", in("x", "pads"), "y", Attributes.ofString("mode", mode))).run();
        }
    }

    @Test
    void squeezeAndExcitationOnValuesWithTrailingUnitAxes() throws Exception {
        // MobileNetV3's block: pointwise rules on [N, C, 1, 1] run on a flat [N, C] view
        new GradientCheck(313).opset(14).float32().param("x", 2, 3, 2, 2).param("w", 1, 3, 1, 1).param("c", 1, 3, 1, 1)
                .node(node("GlobalAveragePool", in("x"), "p"))
                .node(node("Mul", in("p", "w"), "q"))
                .node(node("HardSwish", in("q"), "h"))
                .node(node("Add", in("h", "c"), "r"))
                .node(node("Relu", in("r"), "u"))
                .node(node("HardSigmoid", in("u"), "t", Attributes.ofFloat("alpha", 0.4f)))
                .node(node("Mul", in("x", "t"), "y")).run();
    }

    @Test
    void einsumAsMaxVitWritesItsAttention() throws Exception {
        new GradientCheck(310).param("q", 2, 1, 2, 3, 4).param("k", 2, 1, 2, 5, 4)
                .node(node("Einsum", in("q", "k"), "y", Attributes.ofString("equation", "B G H I D, B G H J D -> B G H I J")))
                .run();
        new GradientCheck(311).param("p", 2, 1, 2, 3, 5).param("v", 2, 1, 2, 5, 4)
                .node(node("Einsum", in("p", "v"), "y", Attributes.ofString("equation", "B G H I J, B G H J D -> B G H I D")))
                .run();
    }

    @Test
    void einsumImplicitOutputAndThreeOperands() throws Exception {
        new GradientCheck(312).param("a", 3, 4).param("b", 4, 2)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "ij,jk"))).run();
        new GradientCheck(313).param("a", 3, 4).param("b", 4).param("c", 3, 2)
                .node(node("Einsum", in("a", "b", "c"), "y", Attributes.ofString("equation", "ij,j,ik->k"))).run();
    }

    @Test
    void einsumLetterSummedAwayInOneOperand() throws Exception {
        new GradientCheck(314).param("a", 3, 4).param("b", 2)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "ij,k->ik"))).run();
    }

    @Test
    void einsumRepeatedLettersTakeDiagonals() throws Exception {
        new GradientCheck(315).param("a", 3, 3).node(node("Einsum", in("a"), "y", Attributes.ofString("equation", "ii->i"))).run();
        new GradientCheck(316).param("a", 3, 3, 2).param("b", 2, 4)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "iij,jk->ik"))).run();
        new GradientCheck(317).param("a", 3, 3).node(node("Einsum", in("a"), "y", Attributes.ofString("equation", "ii"))).run();
    }

    @Test
    void einsumEllipsisBroadcastAtTheFrontAndInTheMiddle() throws Exception {
        new GradientCheck(318).param("a", 2, 3, 4).param("b", 2, 4, 5)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "...ij,...jk->...ik"))).run();
        new GradientCheck(319).param("a", 3, 2, 2, 4).param("b", 4)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "i...j,j->i..."))).run();
        new GradientCheck(321).param("a", 2, 1, 3, 4).param("b", 2, 3, 4, 5)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "...ij,...jk->...ik"))).run();
        new GradientCheck(320).param("a", 2, 3, 4).param("b", 2, 3, 4)
                .node(node("Einsum", in("a", "b"), "y", Attributes.ofString("equation", "...j,...j->..."))).run();
    }

    @Test
    void modFloatAwayFromItsJumps() throws Exception {
        // x / d is at least 0.1 from an integer everywhere, where Mod is smooth
        new GradientCheck(330).param("x", s(6), new double[] {0.55, 1.7, -2.3, 3.45, -0.35, 2.2})
                .param("d", s(6), new double[] {0.8, 0.65, 0.9, -1.1, 0.7, -0.85})
                .node(node("Mod", in("x", "d"), "y", Attributes.ofInt("fmod", 1))).run();
        new GradientCheck(331).param("x", s(2, 3), new double[] {0.55, 1.7, -2.3, 3.45, -0.35, 2.2})
                .param("d", s(3), new double[] {0.8, 0.65, 0.9})
                .node(node("Mod", in("x", "d"), "y", Attributes.ofInt("fmod", 1))).run();
    }

    @Test
    void scatterNdWritingAndAdding() throws Exception {
        new GradientCheck(340).param("data", 4, 3).ints("i", s(2, 1), 1, 3).param("u", 2, 3)
                .node(node("ScatterND", in("data", "i", "u"), "y")).run();
        new GradientCheck(341).param("data", 4, 3).ints("i", s(3, 2), 1, 2, 3, 0, 1, 2).param("u", 3)
                .node(node("ScatterND", in("data", "i", "u"), "y", Attributes.ofString("reduction", "add"))).run();
    }

    @Test
    void scatterElementsAlongAnAxis() throws Exception {
        new GradientCheck(342).param("data", 3, 4).ints("i", s(3, 2), 0, 3, 1, 2, 3, 0).param("u", 3, 2)
                .node(node("ScatterElements", in("data", "i", "u"), "y", Attributes.ofInt("axis", 1))).run();
        new GradientCheck(343).param("data", 3, 4).ints("i", s(2, 4), 0, 1, 2, 0, 0, 1, 2, 2).param("u", 2, 4)
                .node(node("ScatterElements", in("data", "i", "u"), "y", Attributes.ofString("reduction", "add"))).run();
    }

    @Test
    void gatherNdWithBatchDimsAccumulatesRepeats() throws Exception {
        new GradientCheck(350).param("x", 2, 3, 4).ints("i", s(2, 2, 1), 0, 0, 2, 1)
                .node(node("GatherND", in("x", "i"), "y", Attributes.ofInt("batch_dims", 1))).run();
        new GradientCheck(351).param("x", 2, 3, 4).ints("i", s(2, 3, 1), 1, 3, 3, 0, 2, 1)
                .node(node("GatherND", in("x", "i"), "y", Attributes.ofInt("batch_dims", 2))).run();
    }
}
