package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.kernels.Kernels;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.SessionOptions;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.LossKind;
import dev.trainer.train.Losses;
import dev.trainer.train.TrainableParameters;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data parallelism on a real model, before any training loop uses it: N ranks, simulated by
 * threads of one process ({@link InProcessRanks}), each step their shards of a global batch with
 * their own {@link TrainingSession} on the {@code mlp} fixture, and {@link GlobalGradient}
 * combines the gradients. The result must be the single process's gradient of the whole batch,
 * to float32 summation order. Class weights make a shard's weight differ from its sample count,
 * so that weighting by counts, the usual shortcut, would be caught.
 */
class DataParallelGradientTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/mlp");
    private static final float[] CLASS_WEIGHTS = {0.5f, 1, 2, 0.75f, 1.5f, 1, 3, 0.25f, 1, 2};
    private static final Kernels KERNELS = NativeKernels.instance();
    private static final float LEARNING_RATE = 0.5f;

    /**
     * How close a combined gradient must come to the single process's, relative to the largest
     * gradient: float32 sums of 16 and 32 rows in a different order, then one scaling. Seen here:
     * 1.4e-7 for the gradient, 1.1e-7 for the parameters after four steps; weighting by counts
     * misses by 0.07.
     */
    private static final double TOLERANCE = 1e-6;

    @Test
    void twoRanksOfSixteenGiveTheGradientOfOneBatchOfThirtyTwo() throws Exception {
        int[] global = BatchOrder.epochBatches(32, BatchShards.globalBatchSize(16, 2), true, 42, 1)[0];
        float[] single;
        try (Rank alone = new Rank(new SingleProcess())) {
            single = alone.step(global).clone();
        }
        List<float[]> weighted = InProcessRanks.run(2, c -> {
            try (Rank rank = new Rank(c)) {
                return rank.step(BatchShards.of(global, c.rank(), c.size()));
            }
        });
        List<float[]> byCount = InProcessRanks.run(2, c -> {
            try (Rank rank = new Rank(c)) {
                return rank.stepWeightedByCount(BatchShards.of(global, c.rank(), c.size()));
            }
        });

        double scale = maxAbs(single);
        assertArrayEquals(weighted.get(0), weighted.get(1), 0f, "both ranks hold the same gradient");
        double error = maxDifference(weighted.get(0), single) / scale;
        assertTrue(error <= TOLERANCE, "relative error " + error + " against one batch of 32");
        double countError = maxDifference(byCount.get(0), single) / scale;
        assertTrue(countError > 100 * TOLERANCE,
                "weighting by sample counts should miss the class-weighted gradient, but its error is only " + countError);
    }

    @Test
    void threeRanksFollowOneProcessThroughUnevenBatchesAndUpdates() throws Exception {
        int globalBatch = 20; // 32 samples: a batch of 20 (6, 7 and 7 per rank), then one of 12 (4 each)
        int epochs = 2;
        float[] single;
        try (Rank alone = new Rank(new SingleProcess())) {
            single = alone.train(globalBatch, epochs);
        }
        List<float[]> ranks = InProcessRanks.run(3, c -> {
            try (Rank rank = new Rank(c)) {
                return rank.train(globalBatch, epochs);
            }
        });
        for (float[] parameters : ranks) {
            assertArrayEquals(ranks.get(0), parameters, 0f, "the ranks' parameters stay identical");
        }
        double error = maxDifference(ranks.get(0), single) / maxAbs(single);
        assertTrue(error <= TOLERANCE, "parameters after " + 2 * epochs + " SGD steps differ by " + error);
    }

    /** One rank's model, data and loss; its {@link Collective} may be a single process. */
    private static final class Rank implements AutoCloseable {
        private final Collective collective;
        private final Arena arena = Arena.ofConfined();
        private final TrainingSession session;
        private final BatchAssembler assembler;
        private final LossFunction loss;

        Rank(Collective collective) {
            this.collective = collective;
            OnnxModel model = OnnxModel.load(FIXTURE.resolve("model.onnx"));
            this.session = TrainingSession.open(model, TrainableParameters.of(model), "logits", new SessionOptions(false, 0, 1));
            Dataset data = Datasets.read(FIXTURE.resolve("train.npz"), session.inputs(), Task.CLASSIFICATION, "label");
            this.assembler = new BatchAssembler(data, data.size(), arena);
            this.loss = Losses.of(LossKind.CROSS_ENTROPY, KERNELS, arena.allocateFrom(JAVA_FLOAT, CLASS_WEIGHTS));
        }

        /** This rank's step on its shard, weighted by its class-weight sum: the global gradient. */
        float[] step(int[] shard) {
            return reduce(shard, false);
        }

        /** The same, weighted by the shard's sample count instead: wrong with class weights. */
        float[] stepWeightedByCount(int[] shard) {
            return reduce(shard, true);
        }

        private float[] reduce(int[] shard, boolean byCount) {
            ParameterBuffer p = session.parameters();
            double value = Double.NaN;
            double weight = 0;
            if (shard.length > 0) {
                Batch batch = assembler.assemble(shard);
                value = session.step(batch, loss);
                weight = byCount ? shard.length : weightSum(batch);
            }
            new GlobalGradient(collective, KERNELS).reduce(p.gradients(), p.length(), value, weight);
            return p.gradients().toArray(JAVA_FLOAT);
        }

        /** Plain SGD over the epochs' global batches, each sharded for this rank; returns the parameters. */
        float[] train(int globalBatch, int epochs) {
            ParameterBuffer p = session.parameters();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                for (int[] batch : BatchOrder.epochBatches(32, globalBatch, true, 7, epoch)) {
                    step(BatchShards.of(batch, collective.rank(), collective.size()));
                    KERNELS.sgd(p.values(), p.gradients(), MemorySegment.NULL, p.length(), LEARNING_RATE, 0, false, 0);
                }
            }
            return p.values().toArray(JAVA_FLOAT);
        }

        /** The denominator of the batch's weighted-mean cross-entropy. */
        private static double weightSum(Batch batch) {
            double sum = 0;
            for (int label : Losses.classes(batch)) {
                sum += CLASS_WEIGHTS[label];
            }
            return sum;
        }

        @Override
        public void close() {
            session.close();
            arena.close();
        }
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double maxDifference(float[] a, float[] b) {
        assertEquals(b.length, a.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
