package dev.trainer.data;

import java.util.Locale;

/**
 * How many samples each class has, for reporting imbalance and for everything that reweights or
 * resamples by class (class weights, samplers, SMOTE).
 *
 * @param counts samples per class id, index = class; copied in and out
 */
public record ClassDistribution(int[] counts) {

    /** Above this max/min count ratio the data counts as imbalanced. */
    public static final double IMBALANCE_THRESHOLD = 3.0;

    private static final int BAR_WIDTH = 30;

    public ClassDistribution {
        counts = counts.clone();
        for (int count : counts) {
            if (count < 0) {
                throw new IllegalArgumentException("negative class count " + count);
            }
        }
    }

    /**
     * Counts the classes of classification labels; {@code numClasses} may exceed the highest id
     * seen (e.g. the model's class count), so that absent classes show up as zero.
     *
     * @throws IllegalArgumentException for regression labels, a negative class id, or an id of
     *                                  {@code numClasses} or more
     */
    public static ClassDistribution of(Labels labels, int numClasses) {
        if (labels.task() != Task.CLASSIFICATION) {
            throw new IllegalArgumentException("class counts need class labels, not regression targets");
        }
        int[] counts = new int[numClasses];
        for (int c : labels.classes()) {
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException("class id " + c + " is outside [0, " + numClasses + ")");
            }
            counts[c]++;
        }
        return new ClassDistribution(counts);
    }

    /** As {@link #of(Labels, int)} with the classes the labels show: highest id plus one. */
    public static ClassDistribution of(Labels labels) {
        return of(labels, labels.task() == Task.CLASSIFICATION ? labels.numClassesSeen() : 0);
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** Number of classes, including those without samples. */
    public int numClasses() {
        return counts.length;
    }

    /** Samples of class {@code c}. */
    public int count(int c) {
        return counts[c];
    }

    /** Number of classes with at least one sample. */
    public int presentClasses() {
        int present = 0;
        for (int count : counts) {
            present += count > 0 ? 1 : 0;
        }
        return present;
    }

    /** All samples. */
    public long total() {
        long total = 0;
        for (int count : counts) {
            total += count;
        }
        return total;
    }

    /** The fraction of samples in class {@code c}; 0 when there are no samples at all. */
    public double share(int c) {
        long total = total();
        return total == 0 ? 0 : (double) counts[c] / total;
    }

    /** The largest class count. */
    public int maxCount() {
        int max = 0;
        for (int count : counts) {
            max = Math.max(max, count);
        }
        return max;
    }

    /** The smallest count among classes that have samples; 0 when none has. */
    public int minPresentCount() {
        int min = Integer.MAX_VALUE;
        for (int count : counts) {
            if (count > 0) {
                min = Math.min(min, count);
            }
        }
        return min == Integer.MAX_VALUE ? 0 : min;
    }

    /**
     * Largest over smallest class count, over every class: infinite when a class has no samples
     * (a class the model predicts but the data never shows is the worst imbalance there is), NaN
     * with no classes or no samples.
     */
    public double imbalanceRatio() {
        if (counts.length == 0 || total() == 0) {
            return Double.NaN;
        }
        int min = Integer.MAX_VALUE;
        for (int count : counts) {
            min = Math.min(min, count);
        }
        return min == 0 ? Double.POSITIVE_INFINITY : (double) maxCount() / min;
    }

    /** Whether {@link #imbalanceRatio()} exceeds {@link #IMBALANCE_THRESHOLD}. */
    public boolean isImbalanced() {
        return imbalanceRatio() > IMBALANCE_THRESHOLD;
    }

    /**
     * A table to print: one line per class with count, share and a bar scaled to the largest
     * class, then the imbalance ratio, flagged when above the threshold. Lines end in {@code \n}.
     */
    public String report() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%5s %8s %7s%n", "class", "count", "share"));
        int max = maxCount();
        for (int c = 0; c < counts.length; c++) {
            int bar = max == 0 ? 0 : (int) Math.round((double) BAR_WIDTH * counts[c] / max);
            out.append(String.format(Locale.ROOT, "%5d %8d %6.1f%% %s%n", c, counts[c], 100 * share(c), "#".repeat(bar)));
        }
        double ratio = imbalanceRatio();
        out.append(String.format(Locale.ROOT, "imbalance ratio (max/min count): %s", formatRatio(ratio)));
        if (isImbalanced()) {
            out.append(String.format(Locale.ROOT, "  IMBALANCED (> %.0f): consider class weights or balanced sampling",
                    IMBALANCE_THRESHOLD));
        }
        return out.append('\n').toString();
    }

    private static String formatRatio(double ratio) {
        if (Double.isNaN(ratio)) {
            return "n/a (no samples)";
        }
        return Double.isInfinite(ratio) ? "infinite (a class has no samples)" : String.format(Locale.ROOT, "%.2f", ratio);
    }
}
