package dev.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.LossKind;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.events.Scores;
import dev.trainer.kernels.JavaKernels;
import dev.trainer.runtime.Predictor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scores against hand computations, with a model that returns fixed outputs. */
class ScorerTest {

    /** Outputs are a function of each sample's single feature, so batches of any size see the same values. */
    private static Predictor echo(int width, java.util.function.IntFunction<float[]> row) {
        return (batch, outputs) -> {
            var feature = batch.input("x").data().asFloatBuffer();
            float[] out = new float[batch.size() * width];
            for (int i = 0; i < batch.size(); i++) {
                System.arraycopy(row.apply((int) feature.get(i)), 0, out, i * width, width);
            }
            return Map.of("y", out);
        };
    }

    @Test
    void classificationAccuracyRecallSharesAndMacroF1() {
        int[] labels = {0, 0, 0, 1, 1, 2};
        int[] predicted = {0, 0, 1, 1, 1, 1};
        float[] ids = {0, 1, 2, 3, 4, 5};
        Dataset data = new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {1}, ids)),
                Labels.ofClasses(labels));
        Predictor model = echo(3, i -> {
            float[] logits = new float[3];
            logits[predicted[i]] = 5;
            return logits;
        });
        Scores e = Scorer.score(model, "y", data, 4, LossKind.CROSS_ENTROPY, new JavaKernels(),
                new Scorer.Reporting(List.of("a", "b", "c"), 2));
        assertEquals(4.0 / 6, e.accuracy(), 1e-12);
        assertEquals(2.0 / 3, e.recall().get(0), 1e-12);
        assertEquals(1.0, e.recall().get(1), 1e-12);
        assertEquals(0.0, e.recall().get(2), 1e-12);
        assertEquals(4.0 / 6, e.predictedShare().get(1), 1e-12);
        // F1: class 0: 2*2/(3+2) = 0.8; class 1: 2*2/(2+4) = 2/3; class 2: 0
        assertEquals((0.8 + 2.0 / 3 + 0) / 3, e.macroF1(), 1e-12);
        assertTrue(Double.isNaN(e.r2()));
        assertEquals(List.of("a", "b", "c"), e.classification().classNames());
        assertEquals(5.0 / 6, e.classification().topK().get(2), 1e-12, "class 2 ties with class 0 below the winner");
        assertEquals(2, e.classification().confusion().count(1, 1));
        assertEquals(1, e.classification().confusion().count(2, 1));
    }

    @Test
    void regressionMeanAbsoluteErrorAndR2() {
        float[] ids = {0, 1, 2, 3};
        float[] targets = {1, 2, 3, 4};
        float[] predictions = {1.5f, 2, 2.5f, 5};
        Dataset data = new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {1}, ids)),
                Labels.ofTargets(new long[] {1}, targets));
        Scores e = Scorer.score(echo(1, i -> new float[] {predictions[i]}), "y", data, 3, LossKind.MSE, new JavaKernels(),
                new Scorer.Reporting(List.of(), 5));
        assertEquals((0.5 + 0 + 0.5 + 1) / 4, e.meanAbsoluteError(), 1e-6);
        // SSE = 0.25 + 0 + 0.25 + 1 = 1.5; SST = 5 (targets around 2.5)
        assertEquals(1 - 1.5 / 5, e.r2(), 1e-6);
        assertEquals(1.5 / 4, e.loss(), 1e-6);
        assertTrue(Double.isNaN(e.accuracy()));
        assertTrue(Double.isNaN(e.macroF1()));
        assertEquals(1.5 / 4, e.regression().meanSquaredError(), 1e-6);
        assertEquals(Math.sqrt(1.5 / 4), e.regression().rootMeanSquaredError(), 1e-6);
    }
}
