package dev.trainer.evaluate;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Threshold-free scores of a ranking of samples by a score, one class against the rest.
 * Samples with equal scores form one threshold, as in scikit-learn: ROC-AUC then counts a
 * positive tied with a negative as half ranked above it, and average precision takes one step
 * for the whole tied group.
 */
final class RankingMetrics {

    private RankingMetrics() {
    }

    /**
     * The area under the ROC curve (scikit-learn's {@code roc_auc_score}, trapezoidal between
     * thresholds), or NaN when the samples are all positive or all negative.
     */
    static double rocAuc(double[] scores, boolean[] positive) {
        long positives = count(positive);
        long negatives = positive.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        int[] order = descending(scores);
        double area = 0;
        long truePositives = 0;
        long falsePositives = 0;
        int i = 0;
        while (i < order.length) {
            long groupPositives = 0;
            long groupNegatives = 0;
            int j = i;
            do {
                if (positive[order[j]]) {
                    groupPositives++;
                } else {
                    groupNegatives++;
                }
                j++;
            } while (j < order.length && scores[order[j]] == scores[order[i]]);
            // trapezoid: the group's negatives times the positives ranked above them, ties counting half
            area += groupNegatives * (truePositives + groupPositives / 2.0);
            truePositives += groupPositives;
            falsePositives += groupNegatives;
            i = j;
        }
        return area / ((double) positives * negatives);
    }

    /**
     * Average precision (scikit-learn's {@code average_precision_score}): the sum over
     * thresholds of precision times the recall gained there, without interpolation; NaN when
     * there are no positives.
     */
    static double averagePrecision(double[] scores, boolean[] positive) {
        long positives = count(positive);
        if (positives == 0) {
            return Double.NaN;
        }
        int[] order = descending(scores);
        double sum = 0;
        long truePositives = 0;
        long seen = 0;
        int i = 0;
        while (i < order.length) {
            long groupPositives = 0;
            int j = i;
            do {
                if (positive[order[j]]) {
                    groupPositives++;
                }
                j++;
            } while (j < order.length && scores[order[j]] == scores[order[i]]);
            seen += j - i;
            truePositives += groupPositives;
            sum += (double) groupPositives / positives * truePositives / seen;
            i = j;
        }
        return sum;
    }

    private static int[] descending(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .mapToInt(Integer::intValue).toArray();
    }

    private static long count(boolean[] flags) {
        return IntStream.range(0, flags.length).filter(i -> flags[i]).count();
    }

    /** Whether each label equals {@code c}. */
    static boolean[] isClass(int[] labels, int c) {
        boolean[] flags = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            flags[i] = labels[i] == c;
        }
        return flags;
    }
}
