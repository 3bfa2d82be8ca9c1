package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.DataException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Dataset threeSamples(float[] x, Labels labels) {
        return new Dataset("memory", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {2}, x)), labels);
    }

    @Test
    void subsetPicksSamplesAndLabelsInIndexOrder() {
        Dataset data = threeSamples(new float[] {0, 1, 10, 11, 20, 21}, Labels.ofClasses(new int[] {4, 0, 2}));

        Dataset picked = data.subset(new int[] {2, 0, 2});

        assertEquals(3, picked.size());
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, picked.feature("x").floats());
        assertArrayEquals(new int[] {2, 4, 2}, picked.labels().classes());
        assertEquals(5, data.numClassesSeen());
    }

    @Test
    void requireFiniteNamesTheInputAndSample() {
        Dataset features = threeSamples(new float[] {0, 1, 2, Float.POSITIVE_INFINITY, 4, 5}, null);
        Dataset targets = threeSamples(new float[6], Labels.ofTargets(new long[] {1}, new float[] {0, 1, Float.NaN}));

        String featureMessage = assertThrows(DataException.class, features::requireFinite).getMessage();
        String targetMessage = assertThrows(DataException.class, targets::requireFinite).getMessage();

        assertEquals("memory: input 'x' of sample 2 holds Infinity", featureMessage);
        assertTrue(targetMessage.contains("labels of sample 3 holds NaN"), targetMessage);
    }

    @Test
    void featuresAndLabelsMustAgreeOnTheSampleCount() {
        assertThrows(IllegalArgumentException.class,
                () -> threeSamples(new float[6], Labels.ofClasses(new int[] {0, 1})));
        assertThrows(IllegalArgumentException.class,
                () -> Feature.ofFloats(ElementType.FLOAT, new long[] {4}, new float[6]));
        assertThrows(IllegalArgumentException.class,
                () -> Feature.ofFloats(ElementType.INT64, new long[] {1}, new float[1]));
    }

    @Test
    void regressionLabelsHaveNoClasses() {
        Dataset data = threeSamples(new float[6], Labels.ofTargets(new long[] {1}, new float[3]));

        assertThrows(IllegalStateException.class, data::numClassesSeen);
        assertThrows(IllegalStateException.class, () -> threeSamples(new float[6], null).labels());
    }
}
