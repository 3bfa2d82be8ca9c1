package dev.trainer.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainer.config.LossKind;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.distributed.InProcessRanks;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.events.Scores;
import dev.trainer.kernels.JavaKernels;
import dev.trainer.runtime.Predictor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Validation shared out among ranks scores exactly what one process scores: the ranks' outputs,
 * gathered, are the single process's bit for bit, so every metric is too.
 */
class GatheredOutputsTest {

    private static final int SAMPLES = 23;
    private static final int CLASSES = 3;
    private static final int BATCH = 5;
    private static final Scorer.Reporting REPORTING = new Scorer.Reporting(List.of(), 2);

    /**
     * A model whose outputs depend on which samples share a batch, as a real model's may in the last
     * bits (kernels blocked by batch size): only the single process's batches give its outputs.
     */
    private static final Predictor BATCH_DEPENDENT = (batch, outputs) -> {
        var feature = batch.input("x").data().asFloatBuffer();
        float[] out = new float[batch.size() * CLASSES];
        for (int i = 0; i < batch.size(); i++) {
            for (int c = 0; c < CLASSES; c++) {
                out[i * CLASSES + c] = (float) Math.sin(feature.get(i) * (c + 1)) + batch.size() * 1e-3f + i * 1e-4f;
            }
        }
        return Map.of("y", out);
    };

    private static Dataset data() {
        float[] x = new float[SAMPLES];
        int[] labels = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            x[i] = i;
            labels[i] = (i * 7) % CLASSES;
        }
        return new Dataset("inline", Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {1}, x)),
                Labels.ofClasses(labels));
    }

    @Test
    void everyRankScoresWhatOneProcessScoresBitForBit() throws Exception {
        Dataset data = data();
        Scores single = Scorer.score(BATCH_DEPENDENT, "y", data, BATCH, LossKind.CROSS_ENTROPY, new JavaKernels(), REPORTING);
        // 5 batches over 3 ranks (2, 1 and 2 batches), and over 7 ranks, two of which score nothing
        for (int ranks : new int[] {3, 7}) {
            List<Scores> scores = InProcessRanks.run(ranks, c -> Scorer.score(
                    GatheredOutputs.of(BATCH_DEPENDENT, "y", data, BATCH, c), "y", data, BATCH, LossKind.CROSS_ENTROPY,
                    new JavaKernels(), REPORTING));
            scores.forEach(s -> assertEquals(single, s, ranks + " ranks"));
        }
    }

    @Test
    void theModelHereWouldTellOtherBatchesApart() {
        // so that the equality above shows the ranks scored the single process's batches, not just its samples
        Dataset data = data();
        Scores single = Scorer.score(BATCH_DEPENDENT, "y", data, BATCH, LossKind.CROSS_ENTROPY, new JavaKernels(), REPORTING);
        Scores otherBatches = Scorer.score(BATCH_DEPENDENT, "y", data, BATCH - 1, LossKind.CROSS_ENTROPY, new JavaKernels(), REPORTING);
        assertNotEquals(single.loss(), otherBatches.loss());
    }

    @Test
    void theOutputsAreServedOnceInTheDatasOrder() {
        Dataset data = data();
        GatheredOutputs outputs = GatheredOutputs.of(BATCH_DEPENDENT, "y", data, BATCH, new SingleProcess());
        Scorer.score(outputs, "y", data, BATCH, LossKind.CROSS_ENTROPY, new JavaKernels(), REPORTING);
        var again = assertThrows(IllegalStateException.class,
                () -> Scorer.score(outputs, "y", data, BATCH, LossKind.CROSS_ENTROPY, new JavaKernels(), REPORTING));
        assertEquals("gathered outputs replay y over the data's batches in order, once; asked for [y] of a batch of 5"
                + " after 5 batches", again.getMessage());
        GatheredOutputs fresh = GatheredOutputs.of(BATCH_DEPENDENT, "y", data, BATCH, new SingleProcess());
        assertThrows(IllegalStateException.class,
                () -> Scorer.score(fresh, "y", data, BATCH + 1, LossKind.CROSS_ENTROPY, new JavaKernels(), REPORTING));
    }
}
