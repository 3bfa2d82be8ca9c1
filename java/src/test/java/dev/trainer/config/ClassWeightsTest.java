package dev.trainer.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassWeightsTest {

    private static final int[] CANCER = {212, 357};
    private static final int[] WITH_ABSENT = {10, 0, 30};

    private static String error(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse(spec)).getMessage();
    }

    @Test
    void autoMatchesScikitLearnsBalanced() {
        // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0, 1], y=...) on breast cancer
        assertArrayEquals(new double[] {569.0 / (2 * 212), 569.0 / (2 * 357)},
                ClassWeights.parse("auto").weights(CANCER), 1e-12);
        assertArrayEquals(new double[] {1.3419811320754718, 0.7969187675070029},
                ClassWeights.parse(" AUTO ").weights(CANCER), 1e-12);
    }

    @Test
    void inverseHasMeanOneAndAbsentClassesWeighZero() {
        double[] w = ClassWeights.parse("inverse").weights(WITH_ABSENT);

        // 1/10 and 1/30 scaled to mean 1 over the two present classes: 1.5 and 0.5
        assertArrayEquals(new double[] {1.5, 0, 0.5}, w, 1e-12);
        assertArrayEquals(new double[] {40.0 / 20, 0, 40.0 / 60}, ClassWeights.parse("auto").weights(WITH_ABSENT), 1e-12);
    }

    @Test
    void effectiveNumberFollowsCuiEtAl() {
        double beta = 0.99;
        double e0 = (1 - beta) / (1 - Math.pow(beta, 212));
        double e1 = (1 - beta) / (1 - Math.pow(beta, 357));
        double[] w = ClassWeights.parse("effective:0.99").weights(CANCER);

        assertArrayEquals(new double[] {2 * e0 / (e0 + e1), 2 * e1 / (e0 + e1)}, w, 1e-12);
        assertEquals(2, w[0] + w[1], 1e-12);
        // beta = 0 weighs every sample the same, whatever the counts
        assertArrayEquals(new double[] {1, 0, 1}, ClassWeights.parse("effective:0").weights(WITH_ABSENT), 1e-12);
    }

    @Test
    void explicitListsAreTakenAsGivenButMustMatchTheClassCount() {
        assertArrayEquals(new double[] {1, 2.5}, ClassWeights.parse("1, 2.5").weights(CANCER));
        assertArrayEquals(new double[] {1, 7, 0}, ClassWeights.parse("1,7,0").weights(WITH_ABSENT));
        assertEquals("--class-weights '1,2,3': 3 weights for 2 classes",
                assertThrows(IllegalArgumentException.class, () -> ClassWeights.parse("1,2,3").weights(CANCER)).getMessage());
    }

    @Test
    void badSpecsFailWithOneClearLine() {
        assertEquals("--class-weights 'balanced': unknown rule; use auto, inverse, effective:BETA or a list W0,W1,...",
                error("balanced"));
        assertEquals("--class-weights 'effective': effective needs its beta, e.g. effective:0.99", error("effective"));
        assertEquals("--class-weights 'effective:1': beta must be in [0, 1), got 1", error("effective:1"));
        assertEquals("--class-weights 'effective:x': 'x' is not a number", error("effective:x"));
        assertEquals("--class-weights '1,,2': '' is not a number", error("1,,2"));
        assertEquals("--class-weights '1,-2': weight of class 1 must be finite and >= 0, got -2.0", error("1,-2"));
        assertEquals("--class-weights '0,0': at least one weight must be positive", error("0,0"));
        assertEquals("--class-weights 'auto': no class has samples to weight",
                assertThrows(IllegalArgumentException.class,
                        () -> ClassWeights.parse("auto").weights(new int[2])).getMessage());
    }
}
