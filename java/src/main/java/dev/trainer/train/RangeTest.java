package dev.trainer.train;

import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchSource;
import dev.trainer.kernels.Kernels;
import dev.trainer.train.schedule.LearningRateFinder;
import java.io.PrintStream;
import java.lang.foreign.Arena;

/**
 * The LR range test on a real model and data: steps with an exponentially growing learning rate
 * through the configured optimizer, from fresh optimizer state, on the training batches in their
 * usual order. Trains a throwaway copy of the parameters; the model file is left as it was.
 */
public final class RangeTest {

    private RangeTest() {
    }

    public static LearningRateFinder.Result run(RunConfig config, LearningRateFinder finder, Kernels kernels, PrintStream log) {
        try (Learner learner = Learner.start(config, kernels, log); Arena arena = Arena.ofConfined()) {
            TrainingData data = TrainingData.prepare(config, learner.session().inputs(), learner.session().outputType(),
                    null, null, arena, log);
            BatchSource assembler = data.train().batches(config.loop().batchSize(), arena);
            var loss = Losses.training(config.loss(), kernels, data.classWeights());
            int[] epoch = {1};
            int[] next = {0};
            int[][][] batches = {data.epochBatches(config.loop(), 1)};
            return finder.run(lr -> {
                if (next[0] == batches[0].length) {
                    batches[0] = data.epochBatches(config.loop(), ++epoch[0]);
                    next[0] = 0;
                }
                double value = learner.session().step(assembler.assemble(batches[0][next[0]++]), loss);
                if (Double.isFinite(value)) {
                    learner.update(lr, Double.NaN);
                }
                return value;
            });
        }
    }
}
