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
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Scores a model over a whole data set, batch by batch: the plain loss (no class or sample
 * weights, no smoothing) and, for classes, accuracy, macro-F1, per-class recall and prediction
 * shares from the confusion matrix; for values, the mean absolute error and R².
 */
public final class Scorer {

    private final LossFunction loss;
    private final LossKind kind;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment values = MemorySegment.NULL;
    private MemorySegment gradient = MemorySegment.NULL;
    private Confusion confusion;
    private final Regression regression = new Regression();
    private double lossSum;

    private Scorer(LossKind kind, Kernels kernels) {
        this.kind = kind;
        this.loss = Losses.of(kind, kernels);
    }

    /**
     * The model's scores on {@code data}, its {@code output} read as logits (cross-entropy) or
     * predicted values (squared error).
     */
    public static Scores score(Predictor model, String output, Samples data, int batchSize, LossKind kind, Kernels kernels) {
        Scorer scorer = new Scorer(kind, kernels);
        try (scorer.arena) {
            BatchPredictions.forEach(model, data, batchSize, List.of(output), (batch, o) -> scorer.add(batch, o.get(output)));
        }
        int n = data.size();
        if (scorer.confusion == null) {
            return new Scores(scorer.lossSum / n, Double.NaN, Double.NaN, scorer.regression.meanAbsoluteError(),
                    scorer.regression.r2(), List.of(), List.of(), n);
        }
        Confusion c = scorer.confusion;
        return new Scores(scorer.lossSum / n, c.accuracy(n), c.macroF1(), Double.NaN, Double.NaN, c.recall(),
                c.predictedShare(n), n);
    }

    private void add(Batch batch, float[] outputs) {
        if (values.byteSize() < (long) outputs.length * Float.BYTES) {
            values = arena.allocate(ValueLayout.JAVA_FLOAT, outputs.length);
            gradient = arena.allocate(ValueLayout.JAVA_FLOAT, outputs.length);
        }
        MemorySegment.copy(outputs, 0, values, ValueLayout.JAVA_FLOAT, 0, outputs.length);
        long[] shape = {batch.size(), outputs.length / batch.size()};
        lossSum += loss.lossAndGradient(values, shape, batch, gradient) * batch.size();
        if (kind == LossKind.CROSS_ENTROPY) {
            if (confusion == null) {
                confusion = new Confusion((int) shape[1]);
            }
            confusion.add(Losses.classes(batch), Losses.argmax(outputs, batch.size()));
        } else {
            regression.add(outputs, batch.labels().data().asFloatBuffer());
        }
    }

    /** Running sums for the regression metrics. */
    private static final class Regression {
        long count;
        double absolute;
        double squared;
        double targets;
        double targetSquares;

        void add(float[] predictions, FloatBuffer targetValues) {
            for (int i = 0; i < predictions.length; i++) {
                double t = targetValues.get(i);
                double e = predictions[i] - t;
                absolute += Math.abs(e);
                squared += e * e;
                targets += t;
                targetSquares += t * t;
            }
            count += predictions.length;
        }

        double meanAbsoluteError() {
            return count == 0 ? Double.NaN : absolute / count;
        }

        double r2() {
            double totalSquares = targetSquares - targets * targets / count;
            return count == 0 || totalSquares <= 0 ? Double.NaN : 1 - squared / totalSquares;
        }
    }
}
