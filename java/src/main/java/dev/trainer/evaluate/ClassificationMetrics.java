package dev.trainer.evaluate;

import dev.trainer.events.ClassScores;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.ConfusionMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Collects a classifier's raw outputs (logits) and labels batch by batch, and scores them once
 * all are in. The ranking metrics need every score at once, so the logits are kept: n × classes
 * floats.
 *
 * <p>Probabilities are the float64 softmax of the logits. The predicted class is the first
 * highest logit. Not thread-safe.
 */
public final class ClassificationMetrics {

    /** Probabilities are clipped to [ε, 1 − ε] for the log loss, ε = float64's machine epsilon (scikit-learn's). */
    private static final double LOG_LOSS_EPSILON = Math.ulp(1.0);

    private final int classes;
    private float[] logits = new float[1024];
    private int[] labels = new int[64];
    private int samples;

    /** @throws IllegalArgumentException for fewer than two classes */
    public ClassificationMetrics(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
        }
        this.classes = classes;
    }

    /** The number of classes. */
    public int classes() {
        return classes;
    }

    /**
     * Adds a batch.
     *
     * @param batchLogits {@code [n, classes]} row-major
     * @param batchLabels n class ids in {@code [0, classes)}
     * @throws IllegalArgumentException when the sizes disagree or a label is out of range
     */
    public void add(float[] batchLogits, int[] batchLabels) {
        int n = batchLabels.length;
        if (batchLogits.length != (long) n * classes) {
            throw new IllegalArgumentException(batchLogits.length + " logits for " + n + " samples of " + classes
                    + " classes");
        }
        for (int label : batchLabels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " is not one of the " + classes + " classes");
            }
        }
        if ((long) (samples + n) * classes > logits.length) {
            logits = Arrays.copyOf(logits, Math.toIntExact(Math.max(2L * logits.length, (long) (samples + n) * classes)));
        }
        if (samples + n > labels.length) {
            labels = Arrays.copyOf(labels, Math.max(2 * labels.length, samples + n));
        }
        System.arraycopy(batchLogits, 0, logits, samples * classes, batchLogits.length);
        System.arraycopy(batchLabels, 0, labels, samples, n);
        samples += n;
    }

    /**
     * The scores of everything added.
     *
     * @param classNames names by class id, or empty
     * @param topK       the k of each top-k accuracy to report, each in [1, classes]
     * @throws IllegalStateException when nothing was added
     */
    public ClassificationScores report(List<String> classNames, int... topK) {
        if (samples == 0) {
            throw new IllegalStateException("no samples to score");
        }
        int[] y = Arrays.copyOf(labels, samples);
        Softmax softmax = softmax();
        ConfusionMatrix confusion = new ConfusionMatrix(confusionCounts(y), classNames);
        List<ClassScores> perClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            perClass.add(ClassScores.of(confusion.count(c, c), confusion.predicted(c), confusion.support(c)));
        }
        SortedMap<Integer, Double> topKAccuracy = new TreeMap<>();
        for (int k : topK) {
            if (k < 1 || k > classes) {
                throw new IllegalArgumentException("top-k accuracy needs k in [1, " + classes + "], got " + k);
            }
            topKAccuracy.put(k, topKAccuracy(y, k));
        }
        List<Double> predictedShare = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            predictedShare.add((double) confusion.predicted(c) / samples);
        }
        return new ClassificationScores((double) confusion.correct() / samples, macroF1(confusion, perClass),
                weightedF1(confusion, perClass), rocAuc(y, softmax), averagePrecision(y, softmax), logLoss(y, softmax),
                topKAccuracy, perClass, predictedShare, confusion);
    }

    private long[][] confusionCounts(int[] y) {
        long[][] counts = new long[classes][classes];
        for (int i = 0; i < samples; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            counts[y[i]][best]++;
        }
        return counts;
    }

    /**
     * Per sample, the highest logit and Σ exp(logit − highest), from which each probability is
     * {@code exp(logit − highest) / sum}: computed as NumPy's usual softmax is, so that rows equal
     * up to a shift give bit-equal probabilities and tie where they should.
     */
    private record Softmax(double[] max, double[] sum) {
    }

    private Softmax softmax() {
        double[] max = new double[samples];
        double[] sum = new double[samples];
        for (int i = 0; i < samples; i++) {
            max[i] = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max[i] = Math.max(max[i], logits[i * classes + c]);
            }
            for (int c = 0; c < classes; c++) {
                sum[i] += Math.exp(logits[i * classes + c] - max[i]);
            }
        }
        return new Softmax(max, sum);
    }

    /** The softmax probability of class {@code c} for every sample. */
    private double[] probabilities(int c, Softmax softmax) {
        double[] p = new double[samples];
        for (int i = 0; i < samples; i++) {
            p[i] = probability(i, c, softmax);
        }
        return p;
    }

    private double probability(int sample, int c, Softmax softmax) {
        return Math.exp(logits[sample * classes + c] - softmax.max[sample]) / softmax.sum[sample];
    }

    /** Mean F1 over the classes that occur in the labels or the predictions (scikit-learn's default labels). */
    private static double macroF1(ConfusionMatrix confusion, List<ClassScores> perClass) {
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < perClass.size(); c++) {
            if (confusion.support(c) + confusion.predicted(c) > 0) {
                sum += perClass.get(c).f1();
                counted++;
            }
        }
        return sum / counted;
    }

    /** F1 averaged with each class weighted by its support. */
    private static double weightedF1(ConfusionMatrix confusion, List<ClassScores> perClass) {
        double sum = 0;
        for (ClassScores scores : perClass) {
            sum += scores.f1() * scores.support();
        }
        return sum / confusion.total();
    }

    /** Binary: class 1's probability ranks; more classes: one-vs-rest, averaged over the classes in the labels. */
    private double rocAuc(int[] y, Softmax softmax) {
        return oneVsRest(y, softmax, true);
    }

    private double averagePrecision(int[] y, Softmax softmax) {
        return oneVsRest(y, softmax, false);
    }

    private double oneVsRest(int[] y, Softmax softmax, boolean roc) {
        if (classes == 2) {
            double[] p = probabilities(1, softmax);
            boolean[] positive = RankingMetrics.isClass(y, 1);
            return roc ? RankingMetrics.rocAuc(p, positive) : RankingMetrics.averagePrecision(p, positive);
        }
        double sum = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            boolean[] positive = RankingMetrics.isClass(y, c);
            double[] p = probabilities(c, softmax);
            double value = roc ? RankingMetrics.rocAuc(p, positive) : RankingMetrics.averagePrecision(p, positive);
            if (!Double.isNaN(value)) {
                sum += value;
                counted++;
            }
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    /** Mean −log p(label), p clipped to [ε, 1 − ε] as scikit-learn's {@code log_loss} does. */
    private double logLoss(int[] y, Softmax softmax) {
        double sum = 0;
        for (int i = 0; i < samples; i++) {
            double p = probability(i, y[i], softmax);
            sum -= Math.log(Math.min(Math.max(p, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON));
        }
        return sum / samples;
    }

    /**
     * The share of samples whose label is among the k highest logits. Among equal logits the
     * higher class id ranks first, scikit-learn's {@code top_k_accuracy_score} rule.
     */
    private double topKAccuracy(int[] y, int k) {
        long hits = 0;
        for (int i = 0; i < samples; i++) {
            float own = logits[i * classes + y[i]];
            int above = 0;
            for (int c = 0; c < classes; c++) {
                float other = logits[i * classes + c];
                if (other > own || other == own && c > y[i]) {
                    above++;
                }
            }
            if (above < k) {
                hits++;
            }
        }
        return (double) hits / samples;
    }
}
