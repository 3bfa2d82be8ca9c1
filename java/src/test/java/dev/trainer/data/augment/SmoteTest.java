package dev.trainer.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.Augmentation;
import dev.trainer.data.ClassDistribution;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.data.RealData;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmoteTest {

    private static float[] row(Dataset data, int i) {
        Feature f = data.feature("x");
        return Arrays.copyOfRange(f.floats(), i * f.sampleSize(), (i + 1) * f.sampleSize());
    }

    /** The k nearest same-class samples of sample {@code i}, by brute force, independent of Smote's own search. */
    private static int[] nearest(Dataset data, int i, int k) {
        int[] classes = data.labels().classes();
        float[] a = row(data, i);
        return IntStream.range(0, data.size()).filter(j -> j != i && classes[j] == classes[i]).boxed()
                .sorted(Comparator.comparingDouble(j -> {
                    float[] b = row(data, j);
                    double sum = 0;
                    for (int d = 0; d < a.length; d++) {
                        sum += ((double) a[d] - b[d]) * ((double) a[d] - b[d]);
                    }
                    return sum;
                })).limit(k).mapToInt(Integer::intValue).toArray();
    }

    /** Whether s = a + t·(b − a) for some t in [0, 1], to float rounding. */
    private static boolean onSegment(float[] s, float[] a, float[] b) {
        double dot = 0;
        double length = 0;
        for (int d = 0; d < s.length; d++) {
            dot += ((double) s[d] - a[d]) * ((double) b[d] - a[d]);
            length += ((double) b[d] - a[d]) * ((double) b[d] - a[d]);
        }
        double t = length == 0 ? 0 : dot / length;
        if (t < -1e-6 || t > 1 + 1e-6) {
            return false;
        }
        for (int d = 0; d < s.length; d++) {
            double expected = a[d] + t * ((double) b[d] - a[d]);
            if (Math.abs(s[d] - expected) > 1e-5 * (Math.abs(a[d]) + Math.abs(b[d]) + 1)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void balancesBreastCancerWithPointsOnSegmentsToNearNeighbours() {
        Dataset cancer = RealData.breastCancer();
        int k = 5;
        Dataset augmented = new Smote(k, 42).apply(cancer);

        assertArrayEquals(new int[] {357, 357}, ClassDistribution.of(augmented.labels()).counts());
        assertEquals(569 + 145, augmented.size());
        assertArrayEquals(cancer.feature("x").floats(), Arrays.copyOf(augmented.feature("x").floats(), 569 * 30));
        assertArrayEquals(cancer.labels().classes(), Arrays.copyOf(augmented.labels().classes(), 569));
        int[] minority = IntStream.range(0, 569).filter(i -> cancer.labels().classes()[i] == 0).toArray();
        int[][] neighbours = new int[569][];
        for (int i : minority) {
            neighbours[i] = nearest(cancer, i, k);
        }
        for (int s = 569; s < augmented.size(); s++) {
            float[] synthetic = row(augmented, s);
            boolean found = false;
            for (int i : minority) {
                for (int j : neighbours[i]) {
                    found |= onSegment(synthetic, row(cancer, i), row(cancer, j));
                }
            }
            assertEquals(0, augmented.labels().classes()[s]);
            assertTrue(found, "synthetic sample " + s + " lies on no segment between a class-0 sample and one of its "
                    + k + " nearest neighbours");
        }
    }

    /** Points on the plane: class 0 has six, class 1 two far apart, class 2 a single one. */
    private static Dataset plane() {
        float[] x = {0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, /* class 1 */ 10, 10, 20, 30, /* class 2 */ -7, 8};
        Map<String, Feature> features = new LinkedHashMap<>();
        features.put("x", Feature.ofFloats(ElementType.FLOAT, new long[] {2}, x));
        return new Dataset("plane", features, Labels.ofClasses(new int[] {0, 0, 0, 0, 0, 0, 1, 1, 2}));
    }

    @Test
    void aKLargerThanTheClassUsesWhatThereIsAndASingletonIsCopied() {
        Dataset augmented = new Smote(Augmentation.DEFAULT_NEIGHBOURS, 1).apply(plane());
        float[] x = augmented.feature("x").floats();

        assertArrayEquals(new int[] {6, 6, 6}, ClassDistribution.of(augmented.labels()).counts());
        for (int s = 9; s < augmented.size(); s++) {
            int c = augmented.labels().classes()[s];
            float px = x[2 * s];
            float py = x[2 * s + 1];
            if (c == 1) {
                // the only neighbour pair: (10, 10) to (20, 30), i.e. y = 2x − 10 for x in [10, 20]
                assertTrue(px >= 10 && px <= 20 && Math.abs(py - (2 * px - 10)) < 1e-4, px + ", " + py);
            } else {
                assertEquals(2, c);
                assertEquals(-7, px);
                assertEquals(8, py);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        Dataset cancer = RealData.breastCancer();

        assertArrayEquals(new Smote(3, 8).apply(cancer).feature("x").floats(), new Smote(3, 8).apply(cancer).feature("x").floats());
        assertFalse(Arrays.equals(new Smote(3, 8).apply(cancer).feature("x").floats(),
                new Smote(3, 9).apply(cancer).feature("x").floats()));
    }

    @Test
    void neighboursAndInputsAreChecked() {
        assertEquals("SMOTE needs at least 1 neighbour, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Smote(0, 0)).getMessage());
        Dataset ints = new Dataset("ints", Map.of("x", Feature.ofLongs(ElementType.INT64, new long[] {1}, new long[2])),
                Labels.ofClasses(new int[] {0, 1}));
        assertEquals("SMOTE needs float features, but input 'x' is INT64",
                assertThrows(IllegalArgumentException.class, () -> new Smote(5, 0).apply(ints)).getMessage());
    }
}
