package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassDistributionTest {

    @Test
    void countsTheBreastCancerClassesAndReportsAMildImbalance() {
        ClassDistribution d = ClassDistribution.of(RealData.breastCancer().labels());

        assertArrayEquals(new int[] {212, 357}, d.counts());
        assertEquals(569, d.total());
        assertEquals(212.0 / 569, d.share(0), 1e-12);
        assertEquals(357.0 / 212, d.imbalanceRatio(), 1e-12);
        assertFalse(d.isImbalanced());
        String report = d.report();
        assertTrue(report.contains("    0      212   37.3% " + "#".repeat(18) + "\n"), report);
        assertTrue(report.contains("    1      357   62.7% " + "#".repeat(30) + "\n"), report);
        assertTrue(report.contains("imbalance ratio (max/min count): 1.68\n"), report);
    }

    @Test
    void flagsLargeImbalanceAndAbsentClasses() {
        ClassDistribution skewed = ClassDistribution.of(Labels.ofClasses(new int[] {0, 0, 0, 0, 1, 0, 0, 0}));
        ClassDistribution absent = ClassDistribution.of(Labels.ofClasses(new int[] {0, 2, 2}), 4);

        assertEquals(7.0, skewed.imbalanceRatio());
        assertTrue(skewed.isImbalanced());
        assertTrue(skewed.report().contains("7.00  IMBALANCED (> 3)"), skewed.report());
        assertArrayEquals(new int[] {1, 0, 2, 0}, absent.counts());
        assertEquals(2, absent.presentClasses());
        assertEquals(1, absent.minPresentCount());
        assertEquals(Double.POSITIVE_INFINITY, absent.imbalanceRatio());
        assertTrue(absent.report().contains("infinite (a class has no samples)  IMBALANCED"), absent.report());
    }

    @Test
    void rejectsRegressionTargetsAndClassIdsBeyondTheClassCount() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassDistribution.of(Labels.ofTargets(new long[] {1}, new float[] {1, 2})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassDistribution.of(Labels.ofClasses(new int[] {0, 3}), 3));
        assertEquals("class id 3 is outside [0, 3)", e.getMessage());
    }
}
