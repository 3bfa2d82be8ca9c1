package dev.trainer.data.normalize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.config.NormalizeMethod;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.data.RealData;
import dev.trainer.data.Split;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    /** Mean and population standard deviation of column j. */
    private static double[] column(Feature f, int j) {
        int d = f.sampleSize();
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < f.size(); i++) {
            sum += f.floats()[i * d + j];
        }
        double mean = sum / f.size();
        for (int i = 0; i < f.size(); i++) {
            squares += (f.floats()[i * d + j] - mean) * (f.floats()[i * d + j] - mean);
        }
        return new double[] {mean, Math.sqrt(squares / f.size())};
    }

    @Test
    void standardGivesZeroMeanUnitVarianceOnTheFittedData() {
        Dataset wine = RealData.wine();
        Normalization n = Normalization.fit(wine, "x", NormalizeMethod.STANDARD);
        Feature normalized = n.apply(wine).feature("x");

        assertArrayEquals(new long[] {13}, n.sampleShape());
        for (int j = 0; j < 13; j++) {
            double[] stats = column(normalized, j);
            assertEquals(0, stats[0], 1e-5, "mean of feature " + j);
            assertEquals(1, stats[1], 1e-5, "std of feature " + j);
        }
        assertSame(wine.labels(), n.apply(wine).labels());
    }

    @Test
    void minmaxMapsTheFittedDataOntoZeroToOne() {
        Dataset cancer = RealData.breastCancer();
        Feature normalized = Normalization.fit(cancer, "x", NormalizeMethod.MINMAX).apply(cancer).feature("x");

        for (int j = 0; j < 30; j++) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int i = 0; i < 569; i++) {
                min = Math.min(min, normalized.floats()[i * 30 + j]);
                max = Math.max(max, normalized.floats()[i * 30 + j]);
            }
            assertEquals(0, min, 0, "min of feature " + j);
            assertEquals(1, max, 1e-6, "max of feature " + j);
        }
    }

    @Test
    void statisticsComeFromTheTrainingSplitOnly() {
        Dataset wine = RealData.wine();
        Split split = Split.holdout(wine, 0.3, 1);
        Normalization fromTrain = Normalization.fit(split.trainSet(wine), "x", NormalizeMethod.STANDARD);
        double[] trainStats = column(split.trainSet(wine).feature("x"), 4);

        assertEquals(trainStats[0], fromTrain.offset()[4], 1e-4);
        assertEquals(trainStats[1], fromTrain.scale()[4], 1e-4);
        assertNotEquals(column(wine.feature("x"), 4)[0], fromTrain.offset()[4], 1e-3);
    }

    @Test
    void constantFeaturesGetScaleOneAndMapToZero() {
        // feature 0 is constant, feature 1 is not; a shape of [2] per sample
        Dataset data = new Dataset("c", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {2},
                new float[] {3.5f, 1, 3.5f, 2, 3.5f, 6})), Labels.ofClasses(new int[] {0, 1, 0}));
        for (NormalizeMethod method : NormalizeMethod.values()) {
            Normalization n = Normalization.fit(data, "x", method);
            float[] out = n.apply(data).feature("x").floats();

            assertEquals(1f, n.scale()[0], method.name());
            assertEquals(0f, out[0], method.name());
            assertEquals(0f, out[4], method.name());
        }
    }

    @Test
    void fitsEveryFloatInputAndSkipsIntegers() {
        Map<String, Feature> features = new LinkedHashMap<>();
        features.put("ids", Feature.ofLongs(ElementType.INT64, new long[] {1}, new long[] {1, 2}));
        features.put("image", Feature.ofFloats(ElementType.FLOAT, new long[] {1, 2, 2}, new float[] {0, 1, 2, 3, 4, 5, 6, 7}));
        Dataset data = new Dataset("two inputs", features, null);
        List<Normalization> fitted = Normalization.fitFloatInputs(data, NormalizeMethod.MINMAX);

        assertEquals(1, fitted.size());
        assertEquals("image", fitted.getFirst().input());
        assertArrayEquals(new float[] {0, 1, 2, 3}, fitted.getFirst().offset());
        assertArrayEquals(new float[] {4, 4, 4, 4}, fitted.getFirst().scale());
        assertEquals("cannot normalize input 'ids' of INT64: only float inputs",
                assertThrows(IllegalArgumentException.class,
                        () -> Normalization.fit(data, "ids", NormalizeMethod.STANDARD)).getMessage());
    }

    @Test
    void specsParseAndTheRecordIsPlainJson() throws Exception {
        assertEquals(NormalizeMethod.MINMAX, NormalizeMethod.parse(" MinMax "));
        assertEquals("--normalize 'zscore': unknown value; use standard or minmax",
                assertThrows(IllegalArgumentException.class, () -> NormalizeMethod.parse("zscore")).getMessage());
        Normalization n = new Normalization("x", NormalizeMethod.STANDARD, new long[] {2}, new float[] {1, 2},
                new float[] {0.5f, 4});
        JsonNode json = new ObjectMapper().valueToTree(n);

        assertEquals("x", json.get("input").asText());
        assertEquals("STANDARD", json.get("method").asText());
        assertEquals(2, json.get("sampleShape").get(0).asLong());
        assertEquals(2.0, json.get("offset").get(1).asDouble());
        assertEquals(0.5, json.get("scale").get(0).asDouble());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Normalization("x", NormalizeMethod.STANDARD,
                new long[] {2}, new float[] {1, 2}, new float[] {0, 1})).getMessage().contains("scale 0.0"));
    }
}
