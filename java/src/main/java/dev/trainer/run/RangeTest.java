package dev.trainer.run;

import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchSource;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.Kernels;
import dev.trainer.train.loop.Listeners;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.schedule.LearningRateFinder;
import dev.trainer.train.step.MicroBatch;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;

/**
 * The LR range test on a real model and data: {@link TrainingStep}s with an exponentially growing
 * learning rate through the configured optimizer, from fresh optimizer state, on the training
 * batches in their usual order, in windows of {@code --grad-accum} batches per step. Trains a
 * throwaway copy of the parameters; the model file is left as it was.
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
            try (BatchSource assembler = data.train().batches(data.batchCapacity(config.loop()), arena)) {
                int[] epoch = {1};
                int[] next = {0};
                long[] steps = {0};
                int[][][][] windows = {planEpoch(data, config, assembler, 1)};
                return finder.run(lr -> {
                    if (next[0] == windows[0].length) {
                        windows[0] = planEpoch(data, config, assembler, ++epoch[0]);
                        next[0] = 0;
                    }
                    int[][] window = windows[0][next[0]++];
                    Iterable<MicroBatch> microBatches = () -> Arrays.stream(window)
                            .map(indices -> new MicroBatch(assembler.assemble(indices), null)).iterator();
                    return step.run(microBatches, lr, Double.NaN, false, ++steps[0]).loss().value();
                });
            }
        }
    }

    /** An epoch's windows of batches, the source told their order (a loader prefetches by it). */
    private static int[][][] planEpoch(PreparedData data, RunConfig config, BatchSource source, int epoch) {
        int[][][] windows = data.epochWindows(config.loop(), epoch);
        source.plan(epoch, Arrays.stream(windows).flatMap(Arrays::stream).toArray(int[][]::new));
        return windows;
    }
}
