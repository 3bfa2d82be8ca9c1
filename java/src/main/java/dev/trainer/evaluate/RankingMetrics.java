package dev.trainer.evaluate;

import java.util.Arrays;
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
        Thresholds t = Thresholds.of(scores, positive);
        double area = 0;
        long above = 0;
        for (int k = 0; k < t.positives.length; k++) {
            // trapezoid: the group's negatives times the positives ranked above them, ties counting half
            area += t.negatives[k] * (above + t.positives[k] / 2.0);
            above += t.positives[k];
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
        Thresholds t = Thresholds.of(scores, positive);
        double sum = 0;
        long truePositives = 0;
        long seen = 0;
        for (int k = 0; k < t.positives.length; k++) {
            seen += t.positives[k] + t.negatives[k];
            truePositives += t.positives[k];
            sum += (double) t.positives[k] / positives * truePositives / seen;
        }
        return sum;
    }

    /** The distinct scores from the highest down: how many positives and negatives have each. */
    private record Thresholds(long[] positives, long[] negatives) {

        static Thresholds of(double[] scores, boolean[] positive) {
            int[] order = descending(scores);
            long[] groupPositives = new long[order.length];
            long[] groupNegatives = new long[order.length];
            int groups = 0;
            for (int i = 0; i < order.length; groups++) {
                int j = i;
                do {
                    if (positive[order[j]]) {
                        groupPositives[groups]++;
                    } else {
                        groupNegatives[groups]++;
                    }
                    j++;
                } while (j < order.length && scores[order[j]] == scores[order[i]]);
                i = j;
            }
            return new Thresholds(Arrays.copyOf(groupPositives, groups), Arrays.copyOf(groupNegatives, groups));
        }
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
