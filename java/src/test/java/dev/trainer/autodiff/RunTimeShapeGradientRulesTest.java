package dev.trainer.autodiff;

import static dev.trainer.autodiff.Nodes.in;
import static dev.trainer.autodiff.Nodes.node;
import static dev.trainer.autodiff.Nodes.s;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.trainer.onnx.Attributes;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of rules whose axes, pads, starts or broadcasting only the run tells:
 * computed from inputs with symbolic dimensions, they take their dynamic forms; computed from
 * static shapes, constant folding turns them into numbers.
 */
class RunTimeShapeGradientRulesTest {

    private static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    /** An input {@code n} of shape [1, 2] with both axes symbolic: Shape(n) = [1, 2] only at run time. */
    private static GradientCheck withSizes(long seed, long opset) {
        return new GradientCheck(seed).opset(opset)
                .input("n", s(1, 2), new double[] {0, 0}, DOUBLE, 0, 1)
                .node(node("Shape", in("n"), "sizes"));
    }

    @Test
    void sliceWithAxesComputedAtRunTime() throws Exception {
        // axes = sizes - 1 = [0, 1], starts [1, -3], ends [3, 100], steps [1, 2]
        withSizes(400, 13).param("x", 4, 6, 2).ints("one", 1).ints("starts", 1, -3).ints("ends", 3, 100).ints("steps", 1, 2)
                .node(node("Sub", in("sizes", "one"), "axes"))
                .node(node("Slice", in("x", "starts", "ends", "axes", "steps"), "y")).run();
    }

    @Test
    void sliceWithStartsAndAxesFoldedFromStaticShapes() throws Exception {
        // starts = [dim 2 of x - 3] = [2], axes = [rank - 1] = [2]: folded to constants
        new GradientCheck(401).opset(13).param("x", 3, 4, 5).ints("three", 3).ints("two", 2).ints("ends", 100)
                .node(node("Shape", in("x"), "shape"))
                .node(node("Gather", in("shape", "two"), "dim"))
                .node(node("Sub", in("dim", "three"), "starts"))
                .node(node("Size", in("shape"), "rank"))
                .node(node("Sub", in("rank", "one"), "last")).ints("one", s(), 1).ints("axis0", 0)
                .node(node("Unsqueeze", in("last", "axis0"), "axes"))
                .node(node("Slice", in("x", "starts", "ends", "axes"), "y")).run();
    }

    /**
     * Axes [-1, 0] computed from a graph input that is all zeros, in the run and in the shape
     * probes alike: not constant, so the rules take their run-time forms, yet the shapes agree.
     */
    private static GradientCheck runTimeAxes(long seed, long opset) {
        return new GradientCheck(seed).opset(opset).input("zeros", s(2), new double[] {0, 0}, INT64)
                .ints("offsets", -1, 0).node(node("Add", in("zeros", "offsets"), "axes"));
    }

    @Test
    void reduceSumAndMeanWithAxesOnlyTheRunKnows() throws Exception {
        for (long keep = 0; keep <= 1; keep++) {
            runTimeAxes(402, 13).param("x", 2, 3, 4)
                    .node(node("ReduceSum", in("x", "axes"), "y", Attributes.ofInt("keepdims", keep))).run();
            runTimeAxes(403, 18).param("x", 2, 3, 4)
                    .node(node("ReduceMean", in("x", "axes"), "y", Attributes.ofInt("keepdims", keep))).run();
        }
    }

    @Test
    void reduceWithRunTimeAxesThatAreEmpty() throws Exception {
        // no axes: everything is reduced, or nothing when empty axes are a no-op
        new GradientCheck(404).opset(18).param("x", 2, 3).input("axes", s(0), new double[0], INT64)
                .node(node("ReduceMean", in("x", "axes"), "y", Attributes.ofInt("keepdims", 0))).run();
        new GradientCheck(405).opset(18).param("x", 2, 3).input("axes", s(0), new double[0], INT64)
                .node(node("ReduceSum", in("x", "axes"), "m", Attributes.ofInt("noop_with_empty_axes", 1)))
                .node(node("Mul", in("m", "x"), "y")).run();
    }

    @Test
    void sliceWithAxesOnlyTheRunKnows() throws Exception {
        runTimeAxes(406, 13).param("x", 4, 6, 5).ints("starts", 1, -3).ints("ends", 3, 100).ints("steps", 2, 1)
                .node(node("Slice", in("x", "starts", "ends", "axes", "steps"), "y")).run();
    }

    @Test
    void expandBroadcastingASymbolicDimensionThatIsOne() throws Exception {
        // h = w * b is [batch, 4] with batch = 1 at run time; Expand stretches it to [3, 4]
        new GradientCheck(410).param("w", 1, 4).input("b", s(1, 1), new double[] {1.5}, DOUBLE, 0).ints("shape", 3, 4)
                .node(node("Mul", in("w", "b"), "h"))
                .node(node("Expand", in("h", "shape"), "y")).run();
    }

    @Test
    void addBroadcastingASymbolicDimensionAgainstAStaticOne() throws Exception {
        new GradientCheck(411).param("w", 1, 4).param("v", 3, 4).input("b", s(1, 1), new double[] {0.5}, DOUBLE, 0)
                .node(node("Mul", in("w", "b"), "h"))
                .node(node("Add", in("h", "v"), "y")).run();
    }

    @Test
    void padsComputedFromStaticShapesAsSwinDoes() throws Exception {
        // pad the last two axes up to a multiple of 4: pads = (4 - dim % 4) % 4 at the end of each
        new GradientCheck(412).opset(13).param("x", 2, 5, 6).ints("four", s(), 4).ints("i1", s(), 1).ints("i2", s(), 2)
                .ints("axis0", 0).ints("zeros", 0, 0, 0, 0)
                .node(node("Shape", in("x"), "shape"))
                .node(node("Gather", in("shape", "i1"), "h")).node(node("Gather", in("shape", "i2"), "w"))
                .node(node("Mod", in("h", "four"), "hm")).node(node("Sub", in("four", "hm"), "hs"))
                .node(node("Mod", in("hs", "four"), "ph"))
                .node(node("Mod", in("w", "four"), "wm")).node(node("Sub", in("four", "wm"), "ws"))
                .node(node("Mod", in("ws", "four"), "pw"))
                .node(node("Unsqueeze", in("ph", "axis0"), "ph1")).node(node("Unsqueeze", in("pw", "axis0"), "pw1"))
                .node(node("Concat", in("zeros", "ph1", "pw1"), "pads", Attributes.ofInt("axis", 0)))
                .node(node("Pad", in("x", "pads"), "y", Attributes.ofString("mode", "reflect"))).run();
    }

    @Test
    void gatherNdWithBatchDimsOverASymbolicBatch() throws Exception {
        new GradientCheck(413).param("w", 3, 4).input("b", s(2, 1, 1), new double[] {0.5, -1.5}, DOUBLE, 0)
                .input("i", s(2, 2, 1), new double[] {2, 0, 1, 1}, INT64, 0)
                .node(node("Mul", in("b", "w"), "x"))
                .node(node("GatherND", in("x", "i"), "y", Attributes.ofInt("batch_dims", 1))).run();
    }
}
