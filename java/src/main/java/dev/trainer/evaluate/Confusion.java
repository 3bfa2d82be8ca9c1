package dev.trainer.evaluate;

import java.util.ArrayList;
import java.util.List;

/** {@code counts[label][predicted]} over scored samples, and the classification metrics read off it. */
final class Confusion {

    private final long[][] counts;

    Confusion(int classes) {
        counts = new long[classes][classes];
    }

    void add(int[] labels, int[] predicted) {
        for (int i = 0; i < predicted.length; i++) {
            counts[labels[i]][predicted[i]]++;
        }
    }

    /** The fraction of the {@code samples} predicted right. */
    double accuracy(int samples) {
        long right = 0;
        for (int c = 0; c < counts.length; c++) {
            right += counts[c][c];
        }
        return (double) right / samples;
    }

    /** The unweighted mean of the per-class F1 scores over the classes present in labels or predictions. */
    double macroF1() {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < counts.length; c++) {
            long labelled = 0;
            long predicted = 0;
            for (int k = 0; k < counts.length; k++) {
                labelled += counts[c][k];
                predicted += counts[k][c];
            }
            if (labelled + predicted == 0) {
                continue;
            }
            sum += 2.0 * counts[c][c] / (labelled + predicted);
            present++;
        }
        return present == 0 ? Double.NaN : sum / present;
    }

    /** Recall of each class (NaN for a class absent from the data). */
    List<Double> recall() {
        List<Double> recall = new ArrayList<>();
        for (long[] row : counts) {
            long total = 0;
            for (long v : row) {
                total += v;
            }
            recall.add(total == 0 ? Double.NaN : (double) row[recall.size()] / total);
        }
        return recall;
    }

    /** The share of the {@code samples}' predictions that went to each class. */
    List<Double> predictedShare(int samples) {
        double[] share = new double[counts.length];
        for (long[] row : counts) {
            for (int p = 0; p < row.length; p++) {
                share[p] += row[p];
            }
        }
        List<Double> out = new ArrayList<>();
        for (double s : share) {
            out.add(s / samples);
        }
        return out;
    }
}
