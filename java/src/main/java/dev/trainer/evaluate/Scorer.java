package dev.trainer.evaluate;

import dev.trainer.config.LossKind;
import dev.trainer.data.Batch;
import dev.trainer.data.Samples;
import dev.trainer.events.Scores;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.Predictor;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Scores a model over a whole data set, batch by batch: the plain loss (no class or sample
 * weights, no smoothing) through the training loss kernel, and the metrics as scikit-learn
 * defines them ({@link ClassificationMetrics} for classes, {@link RegressionMetrics} for values).
 */
public final class Scorer {

    private final LossFunction loss;
    private final LossKind kind;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment values = MemorySegment.NULL;
    private MemorySegment gradient = MemorySegment.NULL;
    private ClassificationMetrics classes;
    private RegressionMetrics regression;
    private double lossSum;

    private Scorer(LossKind kind, Kernels kernels) {
        this.kind = kind;
        this.loss = Losses.of(kind, kernels);
    }

    /**
     * What to report besides the fixed scores.
     *
     * @param classNames the class names by id, or empty to call the classes by id
     * @param topK       the k of the top-k accuracy, reported when the model has more than k classes
     */
    public record Reporting(List<String> classNames, int topK) {

        public Reporting {
            classNames = List.copyOf(classNames);
        }
    }

    /**
     * The model's scores on {@code data}, its {@code output} read as logits (cross-entropy) or
     * predicted values (squared error).
     */
    public static Scores score(Predictor model, String output, Samples data, int batchSize, LossKind kind, Kernels kernels,
                               Reporting reporting) {
        Scorer scorer = new Scorer(kind, kernels);
        try (scorer.arena) {
            BatchPredictions.forEach(model, data, batchSize, List.of(output), (batch, o) -> scorer.add(batch, o.get(output)));
        }
        int n = data.size();
        if (scorer.classes == null) {
            return new Scores(scorer.lossSum / n, n, null, scorer.regression.report());
        }
        int classCount = scorer.classes.classes();
        List<String> names = reporting.classNames().size() == classCount ? reporting.classNames() : List.of();
        int[] topK = reporting.topK() < classCount ? new int[] {reporting.topK()} : new int[0];
        return new Scores(scorer.lossSum / n, n, scorer.classes.report(names, topK), null);
    }

    private void add(Batch batch, float[] outputs) {
        if (values.byteSize() < (long) outputs.length * Float.BYTES) {
            values = arena.allocate(ValueLayout.JAVA_FLOAT, outputs.length);
            gradient = arena.allocate(ValueLayout.JAVA_FLOAT, outputs.length);
        }
        MemorySegment.copy(outputs, 0, values, ValueLayout.JAVA_FLOAT, 0, outputs.length);
        int perSample = outputs.length / batch.size();
        long[] shape = {batch.size(), perSample};
        lossSum += loss.lossAndGradient(values, shape, batch, gradient) * batch.size();
        if (kind == LossKind.CROSS_ENTROPY) {
            if (classes == null) {
                classes = new ClassificationMetrics(perSample);
            }
            classes.add(outputs, Losses.classes(batch));
        } else {
            if (regression == null) {
                regression = new RegressionMetrics(perSample);
            }
            float[] targets = new float[outputs.length];
            batch.labels().data().asFloatBuffer().get(targets);
            regression.add(outputs, targets);
        }
    }
}
