package dev.trainer.train.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.LossConfig;
import dev.trainer.config.LossKind;
import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchSource;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Labels;
import dev.trainer.data.Task;
import dev.trainer.kernels.NativeKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The gradient a step accumulates over micro-batches of uneven sizes is the gradient of one batch
 * of all their samples: with class weights, per-sample weights, label smoothing, ignored rows, and
 * a micro-batch with nothing left to weigh in the middle.
 */
class GradientAccumulationTest {

    private static final Path DIGITS = Path.of("../models/digits");
    private static final double[] CLASS_WEIGHTS = {1, 2, 0.5, 1, 3, 1, 0.25, 1, 1.5, 1};

    @Test
    void microBatchesAccumulateToTheWholeBatchsGradient() {
        RunConfig config = RunConfig.defaults(DIGITS.resolve("model.onnx")).with(new LossConfig(LossKind.CROSS_ENTROPY, 0.1));
        NativeKernels kernels = NativeKernels.instance();
        try (TrainingStep whole = TrainingStep.open(TrainingModel.of(config), config, kernels);
             TrainingStep parts = TrainingStep.open(TrainingModel.of(config), config, kernels);
             Arena arena = Arena.ofConfined()) {
            whole.weighClasses(CLASS_WEIGHTS);
            parts.weighClasses(CLASS_WEIGHTS);
            Dataset data = weightedWithIgnoredRows(whole);
            BatchSource source = data.batches(data.size(), arena);

            whole.zeroGradients();
            BatchLoss expected = whole.accumulate(source.assemble(range(0, 40)), null);
            double expectedWeight = whole.reduceGradients().weight();
            float[] expectedGradient = whole.parameters().gradients().toArray(ValueLayout.JAVA_FLOAT);

            parts.zeroGradients();
            BatchLoss loss = null;
            for (int[] microBatch : List.of(range(0, 13), range(13, 20), range(20, 30), range(30, 40))) {
                BatchLoss one = parts.accumulate(source.assemble(microBatch), null);
                loss = loss == null ? one : loss.and(one);
            }
            double weight = parts.reduceGradients().weight();
            float[] gradient = parts.parameters().gradients().toArray(ValueLayout.JAVA_FLOAT);

            assertEquals(expectedWeight, weight, 1e-9 * expectedWeight);
            assertEquals(expected.weight(), loss.weight(), 1e-9 * expected.weight());
            assertEquals(expected.value(), loss.value(), 1e-6 * expected.value());
            assertEquals(40, loss.samples());
            assertEquals(expected.correct(), loss.correct());
            double scale = 0;
            double error = 0;
            for (int i = 0; i < gradient.length; i++) {
                scale = Math.max(scale, Math.abs(expectedGradient[i]));
                error = Math.max(error, Math.abs(gradient[i] - expectedGradient[i]));
            }
            assertTrue(scale > 1e-3, "the gradient is not trivial: " + scale);
            assertTrue(error <= 1e-6 * scale, "max error " + error + " against max " + scale);
        }
    }

    @Test
    void aLossOfSeveralBatchesIsTheirWeightedMean() {
        BatchLoss both = new BatchLoss(1.0, 3, 4, 2).and(new BatchLoss(3.0, 1, 2, 1));
        assertEquals(new BatchLoss(1.5, 4, 6, 3), both);
        assertEquals(-1, both.and(new BatchLoss(0.5, 2, 2, -1)).correct(), "uncounted hits stay uncounted");
        assertTrue(!both.and(new BatchLoss(Double.NaN, 0, 2, 0)).finite(), "a diverged batch is not hidden by its weight");
    }

    /**
     * The digits' first 40 rows, sample weights 0.5 to 2, every fifth row ignored and rows 13 to 19
     * (a micro-batch of their own) all ignored.
     */
    private static Dataset weightedWithIgnoredRows(TrainingStep step) {
        Dataset digits = Datasets.read(DIGITS.resolve("train.csv"), step.session().inputs(), Task.CLASSIFICATION, "label")
                .subset(range(0, 40));
        int[] classes = digits.labels().classes().clone();
        float[] weights = new float[classes.length];
        for (int i = 0; i < classes.length; i++) {
            if (i % 5 == 0 || i >= 13 && i < 20) {
                classes[i] = Losses.IGNORE_INDEX;
            }
            weights[i] = 0.5f + (i % 4) * 0.5f;
        }
        String input = digits.inputNames().getFirst();
        return new Dataset("weighted", Map.of(input, digits.feature(input)), Labels.ofClasses(classes).withWeights(weights));
    }

    private static int[] range(int from, int to) {
        return IntStream.range(from, to).toArray();
    }
}
