package dev.trainer.autodiff;

import static dev.trainer.autodiff.Nodes.in;
import static dev.trainer.autodiff.Nodes.node;
import static dev.trainer.autodiff.Nodes.s;
import static dev.trainer.autodiff.Nodes.spread;

import dev.trainer.onnx.Attributes;
import org.junit.jupiter.api.Test;

/** Finite-difference checks of the pointwise, tiling and reduction rules beyond what the zoo's models use. */
class CommonOpGradientRulesTest {

    @Test
    void absAndReciprocalAwayFromZero() throws Exception {
        new GradientCheck(500).param("x", s(3, 4), 0.1).node(node("Abs", in("x"), "y")).run();
        new GradientCheck(501).param("x", s(3, 4), 0.3).node(node("Reciprocal", in("x"), "y")).run();
    }

    @Test
    void sinAndCos() throws Exception {
        new GradientCheck(502).float32().param("x", 3, 4).node(node("Sin", in("x"), "y")).run();
        new GradientCheck(503).float32().param("x", 3, 4).node(node("Cos", in("x"), "y")).run();
    }

    @Test
    void softplusAndEluOnBothSides() throws Exception {
        new GradientCheck(504).float32().param("x", s(3, 4), spread(12, -3, 3, 1)).node(node("Softplus", in("x"), "y")).run();
        new GradientCheck(505).float32().param("x", s(3, 4), 0.1)
                .node(node("Elu", in("x"), "y", Attributes.ofFloat("alpha", 0.7f))).run();
    }

    @Test
    void preluWithABroadcastSlope() throws Exception {
        new GradientCheck(506).float32().param("x", s(2, 3, 4), 0.1).param("slope", s(3, 1), spread(3, 0.1, 0.5, 2))
                .node(node("PRelu", in("x", "slope"), "y")).run();
    }

    @Test
    void tileSumsEveryRepeatBack() throws Exception {
        new GradientCheck(507).param("x", 2, 3).ints("repeats", 3, 2).node(node("Tile", in("x", "repeats"), "y")).run();
    }

    @Test
    void cumSumForwardBackwardAndExclusive() throws Exception {
        for (long reverse = 0; reverse <= 1; reverse++) {
            for (long exclusive = 0; exclusive <= 1; exclusive++) {
                new GradientCheck(508).param("x", 3, 4).ints("axis", s(), 1)
                        .node(node("CumSum", in("x", "axis"), "y", Attributes.ofInt("reverse", reverse),
                                Attributes.ofInt("exclusive", exclusive))).run();
            }
        }
    }

    @Test
    void reduceL2SumSquareAndLogSumExpWithAndWithoutKeptAxes() throws Exception {
        for (String op : new String[] {"ReduceL2", "ReduceSumSquare", "ReduceLogSumExp"}) {
            new GradientCheck(509).opset(13).param("x", s(2, 3, 4), 0.1)
                    .node(node(op, in("x"), "y", Attributes.ofInts("axes", 1, -1), Attributes.ofInt("keepdims", 0))).run();
            new GradientCheck(510).opset(18).param("x", s(2, 3, 4), 0.1).ints("axes", 1)
                    .node(node(op, in("x", "axes"), "y")).run();
        }
    }

    @Test
    void reduceMaxAndMinSendDyToTheExtremeAndSplitTies() throws Exception {
        double[] distinct = spread(24, -1, 1, 3);
        for (String op : new String[] {"ReduceMax", "ReduceMin"}) {
            new GradientCheck(511).opset(13).param("x", s(2, 3, 4), distinct)
                    .node(node(op, in("x"), "y", Attributes.ofInts("axes", 2), Attributes.ofInt("keepdims", 0))).run();
        }
        // y = max over a row of (x, x): every maximum is a tie of two, each gets half of dy
        new GradientCheck(512).opset(13).param("x", s(2, 3), spread(6, -1, 1, 4)).ints("axis", s(), 1)
                .node(node("Concat", in("x", "x"), "xx", Attributes.ofInt("axis", 1)))
                .node(node("ReduceMax", in("xx"), "y", Attributes.ofInts("axes", 1))).run();
    }
}
