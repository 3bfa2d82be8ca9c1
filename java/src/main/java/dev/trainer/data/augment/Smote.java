package dev.trainer.data.augment;

import dev.trainer.data.ClassDistribution;
import dev.trainer.data.Dataset;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import dev.trainer.data.Task;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SMOTE (Chawla et al. 2002, "SMOTE: Synthetic Minority Over-sampling Technique"): every class
 * with fewer samples than the largest gets synthetic samples until it has as many. Each one
 * picks a sample of the class at random, one of its k nearest neighbours within the class
 * (Euclidean distance over the features) at random, and a point uniformly on the segment
 * between them.
 *
 * <p>For tabular data: a single FLOAT or DOUBLE input (any sample shape, taken flat) and class
 * labels. A class of n samples uses min(k, n − 1) neighbours; a class of one sample has none, so
 * its synthetic samples are copies of it. Classes with no samples stay empty. Neighbours are
 * found by brute force, per picked sample, cached: O(n² · features) per class at worst, fine for
 * the tabular sizes this is for.
 */
public final class Smote {

    private final int k;
    private final long seed;

    /** @throws IllegalArgumentException when {@code k < 1} */
    public Smote(int k, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("SMOTE needs at least 1 neighbour, got " + k);
        }
        this.k = k;
        this.seed = seed;
    }

    /** Neighbours per sample. */
    public int k() {
        return k;
    }

    /**
     * The original samples, in their order, followed by the synthetic ones, class by class.
     *
     * @throws IllegalArgumentException for data with several inputs, an integer input, or labels
     *                                  that are not class ids
     */
    public Dataset apply(Dataset data) {
        if (data.inputNames().size() != 1) {
            throw new IllegalArgumentException("SMOTE needs data with a single input, not " + data.inputNames());
        }
        String input = data.inputNames().getFirst();
        Feature feature = data.feature(input);
        if (!feature.type().isFloating()) {
            throw new IllegalArgumentException("SMOTE needs float features, but input '" + input + "' is "
                    + feature.type());
        }
        if (!data.hasLabels() || data.labels().task() != Task.CLASSIFICATION) {
            throw new IllegalArgumentException("SMOTE needs class labels");
        }
        int d = feature.sampleSize();
        float[] x = feature.floats();
        int[][] byClass = data.labels().indicesByClass();
        int target = ClassDistribution.of(data.labels()).maxCount();
        int synthetic = 0;
        for (int[] members : byClass) {
            synthetic += members.length == 0 ? 0 : target - members.length;
        }
        float[] values = Arrays.copyOf(x, x.length + synthetic * d);
        int[] classes = Arrays.copyOf(data.labels().classes(), data.size() + synthetic);
        int at = data.size();
        SplittableRandom random = new SplittableRandom(seed);
        for (int c = 0; c < byClass.length; c++) {
            int[] members = byClass[c];
            if (members.length == 0 || members.length == target) {
                continue;
            }
            int[][] neighbours = new int[members.length][];
            int kUsed = Math.min(k, members.length - 1);
            for (int s = members.length; s < target; s++, at++) {
                int pick = random.nextInt(members.length);
                int base = members[pick] * d;
                int out = at * d;
                if (kUsed == 0) {
                    System.arraycopy(x, base, values, out, d);
                } else {
                    if (neighbours[pick] == null) {
                        neighbours[pick] = nearest(x, d, members, pick, kUsed);
                    }
                    int other = neighbours[pick][random.nextInt(kUsed)] * d;
                    float gap = (float) random.nextDouble();
                    for (int j = 0; j < d; j++) {
                        values[out + j] = x[base + j] + gap * (x[other + j] - x[base + j]);
                    }
                }
                classes[at] = c;
            }
        }
        Feature augmented = Feature.ofFloats(feature.type(), feature.sampleShape(), values);
        return new Dataset(data.source() + " + SMOTE", Map.of(input, augmented), Labels.ofClasses(classes));
    }

    /**
     * The sample indices of the {@code count} members nearest to {@code members[self]}, itself
     * excluded; ties go to the earlier member so the result does not depend on sort internals.
     */
    private static int[] nearest(float[] x, int d, int[] members, int self, int count) {
        int base = members[self] * d;
        Integer[] order = new Integer[members.length - 1];
        double[] distance = new double[members.length];
        for (int m = 0, o = 0; m < members.length; m++) {
            if (m == self) {
                continue;
            }
            double sum = 0;
            int other = members[m] * d;
            for (int j = 0; j < d; j++) {
                double diff = (double) x[base + j] - x[other + j];
                sum += diff * diff;
            }
            distance[m] = sum;
            order[o++] = m;
        }
        Arrays.sort(order, (a, b) -> Double.compare(distance[a], distance[b]));
        int[] nearest = new int[count];
        for (int i = 0; i < count; i++) {
            nearest[i] = members[order[i]];
        }
        return nearest;
    }
}
