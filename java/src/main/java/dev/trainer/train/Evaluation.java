package dev.trainer.train;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.Samples;
import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.Predictor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Loss of a model over a whole data set, batch by batch, and for classification its accuracy
 * and confusion matrix.
 *
 * @param accuracy  fraction of correct argmax predictions, or {@code NaN} for regression
 * @param confusion {@code confusion[label][predicted]} counts, or {@code null} for regression
 * @param meanAbsoluteError for regression, the mean |prediction - target|; NaN for classification
 * @param r2        for regression, the coefficient of determination 1 - SSE/SST; NaN for classification
 */
public record Evaluation(double loss, double accuracy, int samples, long[][] confusion, double meanAbsoluteError,
                         double r2) {

    public static Evaluation of(Predictor model, String output, Samples data, int batchSize, LossKind lossKind,
                                Kernels kernels) {
        LossFunction loss = Losses.of(lossKind, kernels);
        double lossSum = 0;
        long[][] confusion = null;
        Regression regression = new Regression();
        try (Arena arena = Arena.ofConfined()) {
            BatchSource assembler = data.batches(batchSize, arena);
            MemorySegment values = MemorySegment.NULL;
            MemorySegment gradient = MemorySegment.NULL;
            int[][] batches = BatchOrder.epochBatches(data.size(), batchSize, false, 0, 0);
            assembler.plan(0, batches);
            for (int[] indices : batches) {
                Batch batch = assembler.assemble(indices);
                float[] outputs = model.predict(batch, List.of(output)).get(output);
                if (values.byteSize() < (long) outputs.length * Float.BYTES) {
                    values = arena.allocate(ValueLayout.JAVA_FLOAT, outputs.length);
                    gradient = arena.allocate(ValueLayout.JAVA_FLOAT, outputs.length);
                }
                MemorySegment.copy(outputs, 0, values, ValueLayout.JAVA_FLOAT, 0, outputs.length);
                long[] shape = {batch.size(), outputs.length / batch.size()};
                lossSum += loss.lossAndGradient(values, shape, batch, gradient) * batch.size();
                if (lossKind == LossKind.CROSS_ENTROPY) {
                    int classes = (int) shape[1];
                    if (confusion == null) {
                        confusion = new long[classes][classes];
                    }
                    int[] predicted = Losses.argmax(outputs, batch.size());
                    int[] labels = Losses.classes(batch);
                    for (int i = 0; i < predicted.length; i++) {
                        confusion[labels[i]][predicted[i]]++;
                    }
                } else {
                    regression.add(outputs, batch.labels().data().asFloatBuffer());
                }
            }
        }
        int n = data.size();
        return new Evaluation(lossSum / n, confusion == null ? Double.NaN : (double) trace(confusion) / n, n, confusion,
                regression.meanAbsoluteError(), regression.r2());
    }

    /** Running sums for the regression metrics. */
    private static final class Regression {
        long count;
        double absolute;
        double squared;
        double targets;
        double targetSquares;

        void add(float[] predictions, java.nio.FloatBuffer targetValues) {
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

    /** The unweighted mean of the per-class F1 scores over the classes present in labels or predictions; NaN for regression. */
    public double macroF1() {
        if (confusion == null) {
            return Double.NaN;
        }
        double sum = 0;
        int present = 0;
        for (int c = 0; c < confusion.length; c++) {
            long truePositives = confusion[c][c];
            long labelled = 0;
            long predicted = 0;
            for (int k = 0; k < confusion.length; k++) {
                labelled += confusion[c][k];
                predicted += confusion[k][c];
            }
            if (labelled + predicted == 0) {
                continue;
            }
            sum += 2.0 * truePositives / (labelled + predicted);
            present++;
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    private static long trace(long[][] m) {
        long t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }

    /** Recall of each class (NaN for a class absent from the data); {@code null} for regression. */
    public double[] recallPerClass() {
        if (confusion == null) {
            return null;
        }
        double[] recall = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            long total = 0;
            for (long v : confusion[c]) {
                total += v;
            }
            recall[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return recall;
    }

    /** The share of predictions that went to each class; {@code null} for regression. */
    public double[] predictedShare() {
        if (confusion == null) {
            return null;
        }
        double[] share = new double[confusion.length];
        for (long[] row : confusion) {
            for (int p = 0; p < row.length; p++) {
                share[p] += row[p];
            }
        }
        for (int p = 0; p < share.length; p++) {
            share[p] /= samples;
        }
        return share;
    }
}
