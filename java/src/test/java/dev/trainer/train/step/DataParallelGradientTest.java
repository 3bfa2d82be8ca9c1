package dev.trainer.train.step;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.ModelConfig;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.InProcessRanks;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.HostPlacement;
import dev.trainer.runtime.ParameterBuffer;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Data parallelism through the training step: N ranks, simulated by threads of one process
 * ({@link InProcessRanks}), each with its own {@link TrainingStep} opened on the job on the
 * {@code mlp} fixture, step on their shards of a global batch. The result must be the single
 * process's step on the whole batch, to float32 summation order. Class weights make a shard's
 * weight differ from its sample count, so that weighting by counts, the usual shortcut, would be
 * caught.
 */
class DataParallelGradientTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/mlp");
    private static final double[] CLASS_WEIGHTS = {0.5, 1, 2, 0.75, 1.5, 1, 3, 0.25, 1, 2};
    private static final double LEARNING_RATE = 0.5;

    /**
     * How close a combined gradient must come to the single process's, relative to the largest
     * gradient: float32 sums of 16 and 32 rows in a different order, then one scaling. Seen here:
     * 1.4e-7 for the gradient, 1.1e-7 for the parameters after eight steps; weighting by counts
     * misses by 0.07.
     */
    private static final double TOLERANCE = 1e-6;

    @Test
    void twoRanksOfSixteenGiveTheGradientOfOneBatchOfThirtyTwo() throws Exception {
        int[] global = BatchOrder.epochBatches(32, BatchShards.globalBatchSize(16, 2), true, 42, 1)[0];
        float[] single;
        try (Rank alone = new Rank(new SingleProcess())) {
            single = alone.gradient(global, false);
        }
        List<float[]> weighted = InProcessRanks.run(2, c -> {
            try (Rank rank = new Rank(c)) {
                return rank.gradient(BatchShards.of(global, c.rank(), c.size()), false);
            }
        });
        List<float[]> byCount = InProcessRanks.run(2, c -> {
            try (Rank rank = new Rank(c)) {
                return rank.gradient(BatchShards.of(global, c.rank(), c.size()), true);
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
    void threeRanksFollowOneProcessThroughUnevenAndEmptyShards() throws Exception {
        int globalBatch = 10; // 32 samples: three batches of 10 (3, 3 and 4 per rank), then one of 2 (0, 1 and 1)
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
        assertTrue(error <= TOLERANCE, "parameters after " + 4 * epochs + " SGD steps differ by " + error);
    }

    /** One rank's step, data and batches; its job may be a single process. */
    private static final class Rank implements AutoCloseable {
        private final Collective collective;
        private final Arena arena = Arena.ofConfined();
        private final TrainingStep step;
        private final BatchAssembler assembler;

        Rank(Collective collective) {
            this.collective = collective;
            RunConfig defaults = RunConfig.defaults(FIXTURE.resolve("model.onnx"));
            ModelConfig m = defaults.model();
            RunConfig config = defaults.with(new ModelConfig(m.file(), m.output(), m.head(), m.replaceHead(), false, m.traps()))
                    .with(OptimizerConfig.DEFAULT.with(OptimizerKind.SGD, LEARNING_RATE));
            this.step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance(), collective);
            step.weighClasses(CLASS_WEIGHTS);
            Dataset data = Datasets.read(FIXTURE.resolve("train.npz"), step.session().inputs(), Task.CLASSIFICATION, "label");
            this.assembler = new BatchAssembler(data, data.size(), arena);
        }

        /**
         * This rank's gradient of its shard, reduced over the job: weighted by its class-weight sum
         * (the step's own reduction), or, to show what that avoids, by its sample count.
         */
        float[] gradient(int[] shard, boolean byCount) {
            ParameterBuffer p = step.parameters();
            step.zeroGradients();
            BatchLoss local = shard.length == 0 ? BatchLoss.NONE : step.accumulate(assembler.assemble(shard), null);
            if (byCount) {
                new GlobalGradient(collective, new HostPlacement(NativeKernels.instance())).reduce(p.gradients(), p.length(),
                        new BatchLoss(local.value(), local.samples(), local.samples(), local.correct()));
            } else {
                step.reduceGradients();
            }
            return p.gradients().toArray(JAVA_FLOAT);
        }

        /** Plain SGD steps over the epochs' global batches, each sharded for this rank; returns the parameters. */
        float[] train(int globalBatch, int epochs) {
            long steps = 0;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                for (int[] batch : BatchOrder.epochBatches(32, globalBatch, true, 7, epoch)) {
                    int[] shard = BatchShards.of(batch, collective.rank(), collective.size());
                    StepResult result = step.run(shard.length == 0 ? null : assembler.assemble(shard), null,
                            LEARNING_RATE, Double.NaN, false, ++steps);
                    assertEquals(batch.length, result.loss().samples(), "the step's figures are the global batch's");
                }
            }
            return step.parameters().values().toArray(JAVA_FLOAT);
        }

        @Override
        public void close() {
            step.close();
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
