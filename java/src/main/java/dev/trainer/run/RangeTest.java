package dev.trainer.run;

import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchSource;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.Kernels;
import dev.trainer.train.loop.Listeners;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.schedule.LearningRateFinder;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * The LR range test on a real model and data: {@link TrainingStep}s with an exponentially growing
 * learning rate through the configured optimizer, from fresh optimizer state, on the training
 * batches in their usual order. Trains a throwaway copy of the parameters; the model file is left
 * as it was.
 */
public final class RangeTest {

    private RangeTest() {
    }

    /**
     * Runs the test; what it finds on the way (data notes) goes to the listeners.
     *
     * @param train the training samples, or {@code null} for the configured file
     */
    public static LearningRateFinder.Result run(RunConfig config, LearningRateFinder finder, Kernels kernels,
                                                List<TrainingListener> listeners, SampleSource train) {
        Listeners events = new Listeners(listeners);
        TrainingModel model = TrainingModel.of(config);
        model.notes().forEach(events::note);
        try (TrainingStep step = TrainingStep.open(model, config, kernels); Arena arena = Arena.ofConfined()) {
            PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(), train,
                    null, events::note);
            step.weighClasses(data.classWeights());
            try (BatchSource assembler = data.train().batches(config.loop().batchSize(), arena)) {
                int[] epoch = {1};
                int[] next = {0};
                long[] steps = {0};
                int[][][] batches = {data.epochBatches(config.loop(), 1)};
                assembler.plan(1, batches[0]);
                return finder.run(lr -> {
                    if (next[0] == batches[0].length) {
                        batches[0] = data.epochBatches(config.loop(), ++epoch[0]);
                        assembler.plan(epoch[0], batches[0]);
                        next[0] = 0;
                    }
                    return step.run(assembler.assemble(batches[0][next[0]++]), null, lr, Double.NaN, false, ++steps[0])
                            .loss().value();
                });
            }
        }
    }
}
