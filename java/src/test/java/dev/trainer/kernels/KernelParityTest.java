package dev.trainer.kernels;

import static dev.trainer.kernels.Segments.copy;
import static dev.trainer.kernels.Segments.toFloats;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link Kernels} implementation against the Java reference on seeded random data, at sizes
 * that leave vector remainders (1, 7, 1023, 4097) and at zero. Each implementation's test extends
 * this class and supplies the kernels under test.
 *
 * <p>Tolerances: the element-wise kernels perform the same float operations in the same order
 * as Java (gcc runs with -ffp-contract=off and no fast-math, nvcc with -fmad=false), so their
 * outputs must be equal bit for bit. Double sums of non-negative terms may differ only by the
 * order of addition, at most count * 2^-53 relative, under 1e-12 here. The cross-entropy uses
 * float expf (glibc's or CUDA's, within a few ulp) where Java takes exp in double, so it is
 * compared to 1e-5 relative.
 */
abstract class KernelParityTest {

    private static final int IGNORE = -100;
    private static final double SUM_TOLERANCE = 1e-12;

    private final Kernels javaKernels = new JavaKernels();

    /** The implementation under test, over host segments. */
    abstract Kernels kernels();

    @ParameterizedTest
    @CsvSource({"0, 5", "3, 0", "1, 1", "7, 3", "33, 1023", "5, 4097", "64, 10"})
    void crossEntropyMatchesReference(int n, int c) {
        for (float smoothing : new float[] {0f, 0.1f}) {
            for (boolean weighted : new boolean[] {false, true}) {
                compareCrossEntropy(n, c, smoothing, weighted, 1000L * n + c);
            }
        }
    }

    private void compareCrossEntropy(int n, int c, float smoothing, boolean weighted, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(seed);
            MemorySegment logits = Segments.gaussian(arena, (long) n * c, random, 3);
            MemorySegment labels = arena.allocate(JAVA_INT, Math.max(n, 1));
            for (int i = 0; i < n; i++) {
                boolean ignored = c == 0 || random.nextInt(5) == 0;
                labels.setAtIndex(JAVA_INT, i, ignored ? IGNORE : random.nextInt(c));
            }
            MemorySegment classWeights = weighted ? Segments.uniform(arena, c, random, 0.5, 2) : MemorySegment.NULL;
            MemorySegment sampleWeights = weighted ? Segments.uniform(arena, n, random, 0, 1) : MemorySegment.NULL;
            MemorySegment expected = arena.allocate(JAVA_FLOAT, Math.max((long) n * c, 1));
            MemorySegment actual = arena.allocate(JAVA_FLOAT, Math.max((long) n * c, 1));

            double expectedLoss = javaKernels.softmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights,
                    smoothing, IGNORE, expected);
            double actualLoss = kernels().softmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights,
                    smoothing, IGNORE, actual);
            assertEquals(expectedLoss, actualLoss, 1e-5 * Math.abs(expectedLoss) + 1e-7, "loss");

            double weightSum = 0;
            double[] rowWeights = new double[n];
            for (int i = 0; i < n; i++) {
                int label = labels.getAtIndex(JAVA_INT, i);
                if (label != IGNORE) {
                    rowWeights[i] = (weighted ? classWeights.getAtIndex(JAVA_FLOAT, label) : 1)
                            * (weighted ? sampleWeights.getAtIndex(JAVA_FLOAT, i) : 1);
                    weightSum += rowWeights[i];
                }
            }
            for (int i = 0; i < n; i++) {
                // The label's entry is p - q, a difference of numbers up to the row's scale w_i / sum w:
                // float rounding of that scale bounds its absolute error.
                double rowScale = weightSum == 0 ? 0 : rowWeights[i] / weightSum;
                for (int k = 0; k < c; k++) {
                    long index = (long) i * c + k;
                    float want = expected.getAtIndex(JAVA_FLOAT, index);
                    float got = actual.getAtIndex(JAVA_FLOAT, index);
                    assertEquals(want, got, 1e-5 * Math.abs(want) + 1e-6 * rowScale,
                            "dLogits[" + i + ", " + k + "] smoothing " + smoothing + " weighted " + weighted);
                }
            }
        }
    }

    @Test
    void allIgnoredBatchHasZeroLossAndGradient() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = Segments.floats(arena, 9, 9, 9, 9, 9, 9);
            double loss = kernels().softmaxCrossEntropy(Segments.floats(arena, 1, 2, 3, 4, 5, 6),
                    Segments.ints(arena, IGNORE, IGNORE), 2, 3, MemorySegment.NULL, MemorySegment.NULL,
                    0.1f, IGNORE, dLogits);
            assertEquals(0.0, loss);
            assertArrayEquals(new float[6], toFloats(dLogits));
        }
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = arena.allocate(JAVA_FLOAT, 3);
            double loss = kernels().softmaxCrossEntropy(Segments.floats(arena, 1000, 1001, 1002),
                    Segments.ints(arena, 2), 1, 3, MemorySegment.NULL, MemorySegment.NULL, 0f, IGNORE, dLogits);
            // Shifting all logits leaves softmax unchanged: the same values as logits [0, 1, 2].
            assertEquals(0.4076059644443804, loss, 1e-6);
            assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f - 1f}, toFloats(dLogits), 1e-6f);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 1023, 4097})
    void meanSquaredErrorMatchesReference(long count) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count);
            MemorySegment predictions = Segments.gaussian(arena, count, random, 1);
            MemorySegment targets = Segments.gaussian(arena, count, random, 1);
            MemorySegment expected = Segments.gaussian(arena, count, random, 1);
            MemorySegment actual = copy(arena, expected);
            double expectedLoss = javaKernels.meanSquaredError(predictions, targets, count, expected);
            double actualLoss = kernels().meanSquaredError(predictions, targets, count, actual);
            assertEquals(expectedLoss, actualLoss, SUM_TOLERANCE * expectedLoss);
            assertArrayEquals(toFloats(expected), toFloats(actual));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 1023, 4097})
    void penaltiesMatchReference(long count) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count + 1);
            MemorySegment params = Segments.gaussian(arena, count, random, 1);
            if (count > 2) {
                params.setAtIndex(JAVA_FLOAT, 2, 0f);
            }
            MemorySegment expected = Segments.gaussian(arena, count, random, 1);
            MemorySegment actual = copy(arena, expected);

            double expectedL1 = javaKernels.l1Penalty(params, expected, count, 0.01f);
            double actualL1 = kernels().l1Penalty(params, actual, count, 0.01f);
            assertEquals(expectedL1, actualL1, SUM_TOLERANCE * expectedL1);
            assertArrayEquals(toFloats(expected), toFloats(actual));

            double expectedL2 = javaKernels.l2Penalty(params, expected, count, 0.01f);
            double actualL2 = kernels().l2Penalty(params, actual, count, 0.01f);
            assertEquals(expectedL2, actualL2, SUM_TOLERANCE * expectedL2);
            assertArrayEquals(toFloats(expected), toFloats(actual));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 1023, 4097})
    void normAndClippingMatchReference(long count) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count + 2);
            MemorySegment expected = Segments.gaussian(arena, count, random, 10);
            MemorySegment actual = copy(arena, expected);
            double expectedSum = javaKernels.sumOfSquares(expected, count);
            double actualSum = kernels().sumOfSquares(actual, count);
            assertEquals(expectedSum, actualSum, SUM_TOLERANCE * expectedSum);

            float factor = (float) (1 / Math.sqrt(expectedSum + 1));
            javaKernels.scale(expected, count, factor);
            kernels().scale(actual, count, factor);
            assertArrayEquals(toFloats(expected), toFloats(actual));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 1023, 4097})
    void axpbyMatchesReference(long count) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count + 5);
            MemorySegment x = Segments.gaussian(arena, count, random, 1);
            for (float beta : new float[] {0.75f, 0f}) {
                MemorySegment expected = Segments.gaussian(arena, count, random, 1);
                MemorySegment actual = copy(arena, expected);
                javaKernels.axpby(x, expected, count, 0.25f, beta);
                kernels().axpby(x, actual, count, 0.25f, beta);
                assertArrayEquals(toFloats(expected), toFloats(actual), "beta " + beta);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0, false, 0", "1, 0.9, false, 0", "7, 0.9, true, 0.01", "1023, 0, false, 0.01",
            "4097, 0.9, false, 0.01", "4097, 0.5, true, 0"})
    void sgdMatchesReference(long count, float momentum, boolean nesterov, float weightDecay) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count + 3);
            MemorySegment expectedParams = Segments.gaussian(arena, count, random, 1);
            MemorySegment actualParams = copy(arena, expectedParams);
            MemorySegment expectedVelocity = momentum == 0 ? MemorySegment.NULL : arena.allocate(JAVA_FLOAT, count + 1);
            MemorySegment actualVelocity = momentum == 0 ? MemorySegment.NULL : copy(arena, expectedVelocity);
            for (int step = 0; step < 3; step++) {
                MemorySegment grads = Segments.gaussian(arena, count, random, 1);
                javaKernels.sgd(expectedParams, grads, expectedVelocity, count, 0.05f, momentum, nesterov, weightDecay);
                kernels().sgd(actualParams, grads, actualVelocity, count, 0.05f, momentum, nesterov, weightDecay);
            }
            assertArrayEquals(toFloats(expectedParams), toFloats(actualParams));
            if (momentum != 0) {
                assertArrayEquals(toFloats(expectedVelocity), toFloats(actualVelocity));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0, false", "1, false", "7, true", "1023, false", "4097, true", "4097, false"})
    void adamMatchesReference(long count, boolean decoupled) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count + 4);
            MemorySegment expectedParams = Segments.gaussian(arena, count, random, 1);
            MemorySegment actualParams = copy(arena, expectedParams);
            MemorySegment expectedM = arena.allocate(JAVA_FLOAT, Math.max(count, 1));
            MemorySegment expectedV = arena.allocate(JAVA_FLOAT, Math.max(count, 1));
            MemorySegment actualM = arena.allocate(JAVA_FLOAT, Math.max(count, 1));
            MemorySegment actualV = arena.allocate(JAVA_FLOAT, Math.max(count, 1));
            for (long step = 1; step <= 3; step++) {
                MemorySegment grads = Segments.gaussian(arena, count, random, 1);
                javaKernels.adam(expectedParams, grads, expectedM, expectedV, count,
                        1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                kernels().adam(actualParams, grads, actualM, actualV, count,
                        1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
            }
            assertArrayEquals(toFloats(expectedParams), toFloats(actualParams));
            assertArrayEquals(toFloats(expectedM), toFloats(actualM));
            assertArrayEquals(toFloats(expectedV), toFloats(actualV));
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 5", "1, 1", "7, 3", "33, 1023", "64, 10"})
    void countCorrectMatchesReference(int n, int c) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(97L * n + c);
            MemorySegment logits = Segments.gaussian(arena, (long) n * c, random, 3);
            MemorySegment labels = arena.allocate(JAVA_INT, Math.max(n, 1));
            for (int i = 0; i < n; i++) {
                long row = (long) i * c;
                if (i % 3 == 1 && c > 2) {
                    // a tie for the largest: the first of the two is the prediction
                    logits.setAtIndex(JAVA_FLOAT, row + 2, logits.getAtIndex(JAVA_FLOAT, row + 1) + 100f);
                    logits.setAtIndex(JAVA_FLOAT, row + c - 1, logits.getAtIndex(JAVA_FLOAT, row + 2));
                }
                if (i % 5 == 2 && c > 1) {
                    logits.setAtIndex(JAVA_FLOAT, row + (i % 10 == 2 ? 0 : c - 1), Float.NaN);
                }
                int label = i % 4 == 3 ? IGNORE : random.nextInt(Math.max(c, 1));
                labels.setAtIndex(JAVA_INT, i, i % 2 == 0 ? firstLargest(logits, row, c) : label);
            }
            long expected = javaKernels.countCorrect(logits, labels, n, c);
            assertEquals(expected, kernels().countCorrect(logits, labels, n, c));
            if (n > 1 && c > 1) {
                assertTrue(expected >= n / 2, "rows labelled with their argmax must hit");
            }
        }
    }

    /** The column Java's argmax picks: the first strictly larger logit moves it, starting at column 0. */
    private static int firstLargest(MemorySegment logits, long row, int c) {
        int best = 0;
        for (int k = 1; k < c; k++) {
            if (logits.getAtIndex(JAVA_FLOAT, row + k) > logits.getAtIndex(JAVA_FLOAT, row + best)) {
                best = k;
            }
        }
        return best;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 1023, 4097})
    void blendMatchesReference(long count) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(count + 5);
            MemorySegment expected = Segments.gaussian(arena, count, random, 1);
            MemorySegment actual = copy(arena, expected);
            MemorySegment other = Segments.gaussian(arena, count, random, 1);
            javaKernels.blend(expected, other, count, 0.3141);
            kernels().blend(actual, other, count, 0.3141);
            assertArrayEquals(toFloats(expected), toFloats(actual));
        }
    }

    /** Slots of 1, 7, 1023, 0, 4097 and 16 floats with gaps between, zero gradients and one NaN. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void slotStatisticsMatchReference(boolean withBefore) {
        long[] counts = {1, 7, 1023, 0, 4097, 16};
        long[] offsets = new long[counts.length];
        long length = 0;
        for (int k = 0; k < counts.length; k++) {
            offsets[k] = length;
            length += counts[k] + 9;
        }
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(11);
            MemorySegment values = Segments.gaussian(arena, length, random, 1);
            MemorySegment grads = Segments.gaussian(arena, length, random, 1);
            MemorySegment before = withBefore ? Segments.gaussian(arena, length, random, 1) : MemorySegment.NULL;
            for (long i = 0; i < length; i += 5) {
                grads.setAtIndex(JAVA_FLOAT, i, 0f);
            }
            grads.setAtIndex(JAVA_FLOAT, offsets[4] + 17, Float.NaN);
            double[] expected = javaKernels.slotStatistics(values, grads, before, offsets, counts);
            double[] actual = kernels().slotStatistics(values, grads, before, offsets, counts);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                boolean sum = i % Kernels.SLOT_STATISTICS < 3 && Double.isFinite(expected[i]);
                assertEquals(expected[i], actual[i], sum ? SUM_TOLERANCE * Math.abs(expected[i]) : 0,
                        "slot " + i / Kernels.SLOT_STATISTICS + " statistic " + i % Kernels.SLOT_STATISTICS);
            }
            assertEquals(Double.NaN, actual[4 * Kernels.SLOT_STATISTICS + 4], "a NaN gradient is the largest");
        }
    }
}
