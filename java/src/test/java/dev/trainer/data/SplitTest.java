package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitTest {

    private static int[] classCounts(Dataset data, int[] indices) {
        return ClassDistribution.of(data.labels().subset(indices), data.numClassesSeen()).counts();
    }

    private static void assertPartition(int size, Split split) {
        int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, size).toArray(), all);
    }

    private static Dataset classes(int... classes) {
        return new Dataset("test", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {1}, new float[classes.length])),
                Labels.ofClasses(classes));
    }

    @Test
    void holdoutSplitsEveryWineClassInProportion() {
        Dataset wine = RealData.wine();
        Split split = Split.holdout(wine, 0.2, 7);

        assertPartition(178, split);
        // 59/71/48 × 0.2 = 11.8/14.2/9.6; round(178 × 0.2) = 36 = 11 + 14 + 9 + 2 extra to the largest remainders
        assertArrayEquals(new int[] {12, 14, 10}, classCounts(wine, split.validation()));
        assertArrayEquals(new int[] {47, 57, 38}, classCounts(wine, split.train()));
        assertEquals(36, split.validationSet(wine).size());
        assertEquals(wine.labels().subset(split.train()).classes()[0], split.trainSet(wine).labels().classes()[0]);
    }

    @Test
    void holdoutIsSeededAndSorted() {
        Dataset cancer = RealData.breastCancer();
        Split a = Split.holdout(cancer, 0.25, 1);

        assertArrayEquals(a.validation(), Split.holdout(cancer, 0.25, 1).validation());
        assertFalse(Arrays.equals(a.validation(), Split.holdout(cancer, 0.25, 2).validation()));
        assertArrayEquals(Arrays.stream(a.train()).sorted().toArray(), a.train());
        assertArrayEquals(Arrays.stream(a.validation()).sorted().toArray(), a.validation());
    }

    @Test
    void holdoutKeepsARareClassOnBothSidesAndASingletonInTraining() {
        // class 1 has 2 samples: 2 × 0.1 rounds to 0, but validation still gets one; class 2's lone sample trains
        Dataset data = classes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2);
        Split split = Split.holdout(data, 0.1, 3);

        assertPartition(21, split);
        assertArrayEquals(new int[] {2, 1, 0}, classCounts(data, split.validation()));
        assertArrayEquals(new int[] {16, 1, 1}, classCounts(data, split.train()));
    }

    @Test
    void holdoutWithoutClassesSplitsPlainly() {
        float[] targets = new float[10];
        Dataset regression = new Dataset("r", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {1}, new float[10])),
                Labels.ofTargets(new long[] {1}, targets));
        Split split = Split.holdout(regression, 0.3, 5);

        assertPartition(10, split);
        assertEquals(3, split.validation().length);
        assertEquals(1, Split.holdout(regression, 0.01, 5).validation().length);
        assertEquals(9, Split.holdout(regression, 0.99, 5).validation().length);
    }

    @Test
    void holdoutRejectsFractionsOutsideZeroToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Split.holdout(RealData.wine(), 1.0, 1));
        assertEquals("the validation split must be a fraction strictly between 0 and 1, got 1.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Split.holdout(RealData.wine(), 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Split.holdout(RealData.wine(), Double.NaN, 1));
    }

    @Test
    void kFoldPutsEverySampleInExactlyOneValidationFoldWithClassProportions() {
        Dataset wine = RealData.wine();
        int k = 5;
        List<Split> folds = Split.kFold(wine, k, 11);
        int[] seen = new int[wine.size()];
        int[] total = ClassDistribution.of(wine.labels()).counts();

        assertEquals(k, folds.size());
        for (Split fold : folds) {
            assertPartition(wine.size(), fold);
            Arrays.stream(fold.validation()).forEach(i -> seen[i]++);
            int[] counts = classCounts(wine, fold.validation());
            for (int c = 0; c < total.length; c++) {
                assertTrue(Math.abs(counts[c] - (double) total[c] / k) < 1, "class " + c + ": " + counts[c]);
            }
            assertTrue(Math.abs(fold.validation().length - 178.0 / k) < 1, "fold size " + fold.validation().length);
        }
        assertArrayEquals(IntStream.generate(() -> 1).limit(wine.size()).toArray(), seen);
    }

    @Test
    void kFoldIsSeededAndChecksTheFoldCount() {
        Dataset cancer = RealData.breastCancer();

        assertArrayEquals(Split.kFold(cancer, 3, 4).get(1).validation(), Split.kFold(cancer, 3, 4).get(1).validation());
        assertFalse(Arrays.equals(Split.kFold(cancer, 3, 4).get(1).validation(), Split.kFold(cancer, 3, 5).get(1).validation()));
        assertEquals("cross-validation needs at least 2 folds, got 1",
                assertThrows(IllegalArgumentException.class, () -> Split.kFold(cancer, 1, 0)).getMessage());
        assertEquals("4 folds for 3 samples: every fold needs a sample",
                assertThrows(IllegalArgumentException.class, () -> Split.kFold(classes(0, 1, 0), 4, 0)).getMessage());
    }
}
