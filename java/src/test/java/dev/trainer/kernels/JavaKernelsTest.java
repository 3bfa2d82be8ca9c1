package dev.trainer.kernels;

import static dev.trainer.kernels.Segments.floats;
import static dev.trainer.kernels.Segments.ints;
import static dev.trainer.kernels.Segments.toFloats;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks the reference kernels against values worked out by hand from the PyTorch formulas, and
 * the loss gradients against finite differences, so that the oracle for the native kernels is right.
 * Hand values are given to about 1e-7, so float results are compared to 1e-6.
 */
class JavaKernelsTest {

    private static final int IGNORE = -100;
    private final Kernels kernels = new JavaKernels();

    @Test
    void crossEntropyOfOneRowIsLogSumExpMinusTargetLogit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = arena.allocate(JAVA_FLOAT, 3);
            double loss = kernels.softmaxCrossEntropy(floats(arena, 1, 2, 3), ints(arena, 2), 1, 3,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, IGNORE, dLogits);
            // log(e + e^2 + e^3) - 3 and softmax([1, 2, 3]) - onehot(2)
            assertEquals(0.4076059644443804, loss, 1e-12);
            assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f - 1f}, toFloats(dLogits), 1e-6f);
        }
    }

    @Test
    void crossEntropyWithClassWeightsIsTheWeightedMean() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = arena.allocate(JAVA_FLOAT, 4);
            // Row 0: logits [0, 0], label 0, weight 1. Row 1: logits [0, ln 3], label 1, weight 3.
            double loss = kernels.softmaxCrossEntropy(floats(arena, 0, 0, 0, (float) Math.log(3)), ints(arena, 0, 1),
                    2, 2, floats(arena, 1, 3), MemorySegment.NULL, 0f, IGNORE, dLogits);
            assertEquals((Math.log(2) + 3 * Math.log(4.0 / 3)) / 4, loss, 1e-7);
            // Row gradients are w_i / sum w times (softmax - onehot): 1/4 [-1/2, 1/2] and 3/4 [1/4, -1/4].
            assertArrayEquals(new float[] {-0.125f, 0.125f, 0.1875f, -0.1875f}, toFloats(dLogits), 1e-6f);
        }
    }

    @Test
    void labelSmoothingSpreadsTheTargetOverAllClasses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = arena.allocate(JAVA_FLOAT, 3);
            double loss = kernels.softmaxCrossEntropy(floats(arena, 0, 0, 0), ints(arena, 0), 1, 3,
                    MemorySegment.NULL, MemorySegment.NULL, 0.3f, IGNORE, dLogits);
            // q = [0.8, 0.1, 0.1] and every log-probability is -ln 3, so the loss is ln 3.
            assertEquals(Math.log(3), loss, 1e-7);
            assertArrayEquals(new float[] {1f / 3 - 0.8f, 1f / 3 - 0.1f, 1f / 3 - 0.1f}, toFloats(dLogits), 1e-6f);
        }
    }

    @Test
    void ignoredRowsAndZeroWeightRowsCountForNothing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = floats(arena, 1, 2, 3, 5, -1, 0, 4, 4, 4);
            MemorySegment dLogits = floats(arena, 9, 9, 9, 9, 9, 9, 9, 9, 9);
            // Row 1 is ignored, row 2 has sample weight 0: only row 0 remains.
            double loss = kernels.softmaxCrossEntropy(logits, ints(arena, 2, IGNORE, 0), 3, 3,
                    MemorySegment.NULL, floats(arena, 2, 7, 0), 0f, IGNORE, dLogits);
            assertEquals(0.4076059644443804, loss, 1e-7);
            assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f - 1f, 0, 0, 0, 0, 0, 0},
                    toFloats(dLogits), 1e-6f);
        }
    }

    @Test
    void allIgnoredBatchHasZeroLossAndGradient() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = floats(arena, 9, 9, 9, 9);
            double loss = kernels.softmaxCrossEntropy(floats(arena, 1, 2, 3, 4), ints(arena, IGNORE, IGNORE), 2, 2,
                    floats(arena, 1, 2), MemorySegment.NULL, 0.1f, IGNORE, dLogits);
            assertEquals(0.0, loss);
            assertArrayEquals(new float[4], toFloats(dLogits));
        }
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        int n = 4;
        int c = 5;
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(11);
            MemorySegment logits = Segments.gaussian(arena, n * c, random, 2);
            MemorySegment labels = ints(arena, 3, IGNORE, 0, 4);
            MemorySegment classWeights = Segments.uniform(arena, c, random, 0.5, 2);
            MemorySegment sampleWeights = Segments.uniform(arena, n, random, 0.1, 1);
            MemorySegment dLogits = arena.allocate(JAVA_FLOAT, n * c);
            MemorySegment scratch = arena.allocate(JAVA_FLOAT, n * c);
            kernels.softmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights, 0.2f, IGNORE, dLogits);
            for (int i = 0; i < n * c; i++) {
                float z = logits.getAtIndex(JAVA_FLOAT, i);
                // The steps actually taken in float, so rounding of z +- h does not bias the quotient.
                float up = z + 1e-3f;
                float down = z - 1e-3f;
                logits.setAtIndex(JAVA_FLOAT, i, up);
                double lossUp = kernels.softmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights,
                        0.2f, IGNORE, scratch);
                logits.setAtIndex(JAVA_FLOAT, i, down);
                double lossDown = kernels.softmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights,
                        0.2f, IGNORE, scratch);
                logits.setAtIndex(JAVA_FLOAT, i, z);
                double numeric = (lossUp - lossDown) / ((double) up - down);
                // Central differences err by h^2/6 * f''' (about 1e-7 here); the gradient is a float.
                assertEquals(numeric, dLogits.getAtIndex(JAVA_FLOAT, i), 1e-5, "logit " + i);
            }
        }
    }

    @Test
    void meanSquaredErrorAndItsGradient() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dPredictions = arena.allocate(JAVA_FLOAT, 2);
            double loss = kernels.meanSquaredError(floats(arena, 1, 2), floats(arena, 0, 4), 2, dPredictions);
            assertEquals(2.5, loss);
            assertArrayEquals(new float[] {1, -2}, toFloats(dPredictions));
        }
    }

    @Test
    void meanSquaredErrorGradientMatchesFiniteDifferences() {
        int count = 6;
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(12);
            MemorySegment predictions = Segments.gaussian(arena, count, random, 1);
            MemorySegment targets = Segments.gaussian(arena, count, random, 1);
            MemorySegment gradient = arena.allocate(JAVA_FLOAT, count);
            MemorySegment scratch = arena.allocate(JAVA_FLOAT, count);
            kernels.meanSquaredError(predictions, targets, count, gradient);
            for (int i = 0; i < count; i++) {
                float p = predictions.getAtIndex(JAVA_FLOAT, i);
                float up = p + 1e-2f;
                float down = p - 1e-2f;
                predictions.setAtIndex(JAVA_FLOAT, i, up);
                double lossUp = kernels.meanSquaredError(predictions, targets, count, scratch);
                predictions.setAtIndex(JAVA_FLOAT, i, down);
                double lossDown = kernels.meanSquaredError(predictions, targets, count, scratch);
                predictions.setAtIndex(JAVA_FLOAT, i, p);
                // The loss is quadratic, so central differences are exact up to rounding.
                assertEquals((lossUp - lossDown) / ((double) up - down), gradient.getAtIndex(JAVA_FLOAT, i), 1e-5);
            }
        }
    }

    @Test
    void emptyMeanSquaredErrorIsZero() {
        assertEquals(0.0, kernels.meanSquaredError(MemorySegment.NULL, MemorySegment.NULL, 0, MemorySegment.NULL));
    }

    @Test
    void penaltiesAndTheirGradients() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = floats(arena, -2, 0, 3);
            MemorySegment grads = floats(arena, 0, 0, 0);
            assertEquals(2.5, kernels.l1Penalty(params, grads, 3, 0.5f));
            assertArrayEquals(new float[] {-0.5f, 0, 0.5f}, toFloats(grads));
            assertEquals(3.25, kernels.l2Penalty(params, grads, 3, 0.5f));
            assertArrayEquals(new float[] {-1.5f, 0, 2f}, toFloats(grads));
        }
    }

    @Test
    void sumOfSquaresAndScale() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment values = floats(arena, 3, -4);
            assertEquals(25.0, kernels.sumOfSquares(values, 2));
            kernels.scale(values, 2, 0.5f);
            assertArrayEquals(new float[] {1.5f, -2}, toFloats(values));
        }
    }

    @Test
    void axpbyBlendsAndWithBetaZeroIgnoresTheOldValues() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = floats(arena, 2, -4);
            MemorySegment y = floats(arena, 1, 3);
            kernels.axpby(x, y, 2, 0.5f, 2f);
            assertArrayEquals(new float[] {3, 4}, toFloats(y));
            MemorySegment stale = floats(arena, Float.NaN, Float.POSITIVE_INFINITY);
            kernels.axpby(x, stale, 2, 0.5f, 0f);
            assertArrayEquals(new float[] {1, -2}, toFloats(stale));
        }
    }

    @Test
    void sgdWithMomentumFollowsTorch() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = floats(arena, 1);
            MemorySegment velocity = floats(arena, 0);
            MemorySegment grads = floats(arena, 0.5f);
            kernels.sgd(params, grads, velocity, 1, 0.1f, 0.9f, false, 0f);
            // First step: v = g = 0.5, p = 1 - 0.05.
            assertEquals(0.95f, params.get(JAVA_FLOAT, 0), 1e-7f);
            kernels.sgd(params, grads, velocity, 1, 0.1f, 0.9f, false, 0f);
            // v = 0.9 * 0.5 + 0.5 = 0.95, p = 0.95 - 0.095.
            assertEquals(0.95f, velocity.get(JAVA_FLOAT, 0), 1e-7f);
            assertEquals(0.855f, params.get(JAVA_FLOAT, 0), 1e-7f);
        }
    }

    @Test
    void sgdWithNesterovFollowsTorch() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = floats(arena, 1);
            MemorySegment velocity = floats(arena, 0);
            MemorySegment grads = floats(arena, 0.5f);
            kernels.sgd(params, grads, velocity, 1, 0.1f, 0.9f, true, 0f);
            // v = 0.5, step = g + 0.9 v = 0.95, p = 1 - 0.095.
            assertEquals(0.905f, params.get(JAVA_FLOAT, 0), 1e-7f);
            kernels.sgd(params, grads, velocity, 1, 0.1f, 0.9f, true, 0f);
            // v = 0.95, step = 0.5 + 0.855 = 1.355, p = 0.905 - 0.1355.
            assertEquals(0.7695f, params.get(JAVA_FLOAT, 0), 1e-6f);
        }
    }

    @Test
    void sgdWeightDecayIsAddedToTheGradientWhichStaysUntouched() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = floats(arena, 2);
            MemorySegment grads = floats(arena, 0.5f);
            kernels.sgd(params, grads, MemorySegment.NULL, 1, 0.1f, 0f, false, 0.25f);
            // g' = 0.5 + 0.25 * 2 = 1, p = 2 - 0.1.
            assertEquals(1.9f, params.get(JAVA_FLOAT, 0), 1e-7f);
            assertEquals(0.5f, grads.get(JAVA_FLOAT, 0));
        }
    }

    @Test
    void adamTwoStepsFollowTorch() {
        float lr = 0.01f;
        float beta1 = 0.9f;
        float beta2 = 0.999f;
        float eps = 1e-8f;
        double[] gradients = {0.5, -0.2};
        for (boolean decoupled : new boolean[] {false, true}) {
            float weightDecay = 0.1f;
            double p = 1;
            double m = 0;
            double v = 0;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment params = floats(arena, 1);
                MemorySegment mSegment = floats(arena, 0);
                MemorySegment vSegment = floats(arena, 0);
                for (int step = 1; step <= gradients.length; step++) {
                    kernels.adam(params, floats(arena, (float) gradients[step - 1]), mSegment, vSegment, 1,
                            lr, beta1, beta2, eps, weightDecay, decoupled, step);
                    // torch.optim.Adam / AdamW, in double.
                    double g = gradients[step - 1];
                    if (decoupled) {
                        p *= 1 - lr * weightDecay;
                    } else {
                        g += weightDecay * p;
                    }
                    m = beta1 * m + (1 - beta1) * g;
                    v = beta2 * v + (1 - beta2) * g * g;
                    double mHat = m / (1 - Math.pow(beta1, step));
                    double vHat = v / (1 - Math.pow(beta2, step));
                    p -= lr * mHat / (Math.sqrt(vHat) + eps);
                    assertEquals(p, params.get(JAVA_FLOAT, 0), 1e-6, "step " + step + " decoupled " + decoupled);
                    assertEquals(m, mSegment.get(JAVA_FLOAT, 0), 1e-7);
                    assertEquals(v, vSegment.get(JAVA_FLOAT, 0), 1e-8);
                }
            }
        }
    }

    @Test
    void firstAdamStepMovesEachParameterByTheLearningRate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = floats(arena, 1, 1);
            kernels.adam(params, floats(arena, 0.5f, -3f), floats(arena, 0, 0), floats(arena, 0, 0), 2,
                    0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
            // m_hat = g and v_hat = g^2 on step 1, so the step is lr * sign(g).
            assertArrayEquals(new float[] {0.9f, 1.1f}, toFloats(params), 1e-6f);
        }
    }
}
