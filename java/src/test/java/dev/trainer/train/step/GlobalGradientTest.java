package dev.trainer.train.step;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainer.distributed.Collective;
import dev.trainer.distributed.InProcessRanks;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.HostPlacement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The weighting on synthetic per-sample gradients, against the weighted mean over the whole
 * batch computed in double. The model-level proof is {@link DataParallelGradientTest}.
 */
class GlobalGradientTest {

    private static final int PARAMETERS = 37;
    private static final HostPlacement HOST = new HostPlacement(NativeKernels.instance());

    /** Samples 0-1 on rank 0, none on rank 1, samples 2-6 on rank 2. */
    private static final int[][] SHARDS = {{0, 1}, {}, {2, 3, 4, 5, 6}};
    /** Argmax hits of each sample: 1 when right. */
    private static final int[] HITS = {1, 0, 1, 1, 0, 1, 1};

    @Test
    void unevenAndEmptyShardsGiveTheWholeBatchsWeightedMeanGradient() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        int samples = 7;
        double[][] sampleGradients = new double[samples][PARAMETERS];
        double[] weights = new double[samples];
        double[] losses = new double[samples];
        for (int i = 0; i < samples; i++) {
            for (int p = 0; p < PARAMETERS; p++) {
                sampleGradients[i][p] = (float) random.nextDouble(-1, 1);
            }
            weights[i] = i == 4 ? 0 : (float) random.nextDouble(0.2, 3); // sample 4: an ignored label
            losses[i] = (float) random.nextDouble(0, 2);
        }
        double[] expected = new double[PARAMETERS];
        double weightSum = 0;
        double lossSum = 0;
        for (int i = 0; i < samples; i++) {
            weightSum += weights[i];
            lossSum += weights[i] * losses[i];
            for (int p = 0; p < PARAMETERS; p++) {
                expected[p] += weights[i] * sampleGradients[i][p];
            }
        }
        for (int p = 0; p < PARAMETERS; p++) {
            expected[p] /= weightSum;
        }

        List<Result> results = InProcessRanks.run(SHARDS.length,
                c -> shardStep(c, SHARDS[c.rank()], sampleGradients, weights, losses));

        for (Result r : results) {
            assertArrayEquals(results.get(0).gradient, r.gradient, 0f, "every rank holds the same bits");
            assertEquals(weightSum, r.reduced.weight(), 1e-12);
            assertEquals(lossSum / weightSum, r.reduced.value(), 1e-12);
            assertEquals(samples, r.reduced.samples());
            assertEquals(5, r.reduced.correct());
            for (int p = 0; p < PARAMETERS; p++) {
                assertEquals(expected[p], r.gradient[p], 1e-6, "parameter " + p);
            }
        }
    }

    private record Result(float[] gradient, BatchLoss reduced) {
    }

    /** A rank's part: the gradient of its shard's weighted-mean loss, then the reduction. */
    private static Result shardStep(Collective c, int[] shard, double[][] sampleGradients, double[] weights, double[] losses) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment gradients = arena.allocate(JAVA_FLOAT, PARAMETERS);
            double weight = 0;
            double loss = 0;
            int hits = 0;
            for (int i : shard) {
                weight += weights[i];
                loss += weights[i] * losses[i];
                hits += HITS[i];
            }
            for (int p = 0; p < PARAMETERS; p++) {
                double g = 0;
                for (int i : shard) {
                    g += weights[i] * sampleGradients[i][p];
                }
                // an empty shard's buffer holds whatever the last step left, here the worst case
                gradients.setAtIndex(JAVA_FLOAT, p, weight == 0 ? Float.NaN : (float) (g / weight));
            }
            BatchLoss local = shard.length == 0 ? BatchLoss.NONE : new BatchLoss(loss / weight, weight, shard.length, hits);
            BatchLoss reduced = new GlobalGradient(c, HOST).reduce(gradients, PARAMETERS, local);
            return new Result(gradients.toArray(JAVA_FLOAT), reduced);
        }
    }

    @Test
    void uncountedHitsStayUncounted() throws Exception {
        // regression and mixed batches count no hits (-1); an empty shard must not make them look counted
        List<BatchLoss> reduced = InProcessRanks.run(2, c -> {
            try (Arena arena = Arena.ofConfined()) {
                BatchLoss local = c.rank() == 0 ? new BatchLoss(0.5, 3, 3, -1) : BatchLoss.NONE;
                return new GlobalGradient(c, HOST).reduce(arena.allocate(JAVA_FLOAT, 4), 4, local);
            }
        });
        assertEquals(List.of(new BatchLoss(0.5, 3, 3, -1), new BatchLoss(0.5, 3, 3, -1)), reduced);
    }

    @Test
    void aSingleRankKeepsItsGradientBitForBit() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {0.1f, -3.7e-9f, 12345.678f, Float.MIN_VALUE};
            MemorySegment gradients = arena.allocateFrom(JAVA_FLOAT, values);
            BatchLoss local = new BatchLoss(0.625, 24.3, 7, 5);
            BatchLoss reduced = new GlobalGradient(new SingleProcess(), HOST).reduce(gradients, values.length, local);
            assertArrayEquals(values, gradients.toArray(JAVA_FLOAT), 0f);
            assertEquals(0.625, reduced.value(), 1e-15);
            assertEquals(new BatchLoss(reduced.value(), 24.3, 7, 5), reduced);
        }
    }

    @Test
    void aNegativeOrNonFiniteWeightIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment gradients = arena.allocate(JAVA_FLOAT, 4);
            GlobalGradient g = new GlobalGradient(new SingleProcess(), HOST);
            assertThrows(IllegalArgumentException.class, () -> g.reduce(gradients, 4, new BatchLoss(1, -1, 1, 0)));
            assertThrows(IllegalArgumentException.class, () -> g.reduce(gradients, 4, new BatchLoss(1, Double.NaN, 1, 0)));
        }
    }
}
