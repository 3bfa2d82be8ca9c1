package dev.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A partition of a data set's sample indices into a training and a validation part, both sorted
 * ascending so that each part keeps the file's order. Made by {@link #holdout} (one split, for
 * {@code --val-split}) or {@link #kFold} (K splits, for cross-validation).
 *
 * <p>With classification labels the splits are stratified: each class is divided in the
 * proportion asked for, so that a rare class is not left out of one side by chance. Without
 * them (regression, or no labels) the samples are divided as one group.
 *
 * @param train      indices of the training samples; copied in and out
 * @param validation indices of the validation samples; copied in and out
 */
public record Split(int[] train, int[] validation) {

    public Split {
        train = train.clone();
        validation = validation.clone();
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] validation() {
        return validation.clone();
    }

    /** The training samples of {@code data}, the data set this split was made for. */
    public <S extends Samples> S trainSet(S data) {
        return subset(data, train);
    }

    /** The validation samples of {@code data}, the data set this split was made for. */
    public <S extends Samples> S validationSet(S data) {
        return subset(data, validation);
    }

    /** Each kind of samples subsets into its own kind. */
    @SuppressWarnings("unchecked")
    private static <S extends Samples> S subset(S data, int[] indices) {
        return (S) data.subset(indices);
    }

    /**
     * Sets aside {@code validationFraction} of the samples for validation, at random from
     * {@code seed}. Stratified with class labels: of each class with n samples, n·f rounded so
     * that the total is round(N·f) (largest remainders get the extra samples), then moved so that
     * every class with two or more samples has at least one on each side; a class with a single
     * sample trains. Without class labels round(N·f) samples, at least one on each side when
     * there are two or more.
     *
     * @throws IllegalArgumentException when the fraction is not strictly between 0 and 1
     */
    public static Split holdout(Samples data, double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("the validation split must be a fraction strictly between 0 and 1, got "
                    + validationFraction);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] groups = shuffledGroups(data, random);
        int[] sizes = Arrays.stream(groups).mapToInt(g -> g.length).toArray();
        int[] validationCounts = apportion(sizes, validationFraction);
        int validationTotal = Arrays.stream(validationCounts).sum();
        int[] train = new int[data.size() - validationTotal];
        int[] validation = new int[validationTotal];
        int t = 0;
        int v = 0;
        for (int g = 0; g < groups.length; g++) {
            System.arraycopy(groups[g], 0, validation, v, validationCounts[g]);
            v += validationCounts[g];
            System.arraycopy(groups[g], validationCounts[g], train, t, groups[g].length - validationCounts[g]);
            t += groups[g].length - validationCounts[g];
        }
        return sorted(train, validation);
    }

    /**
     * K folds for cross-validation, at random from {@code seed}: every sample is in exactly one
     * fold's validation part and in the training part of the other K−1. Stratified with class
     * labels: each class's shuffled samples are dealt round-robin over the folds, continuing
     * where the previous class stopped, so each fold holds ⌊n/K⌋ or ⌈n/K⌉ of a class of n, and
     * fold sizes differ by at most one. A class with fewer than K samples is missing from some
     * folds' validation parts.
     *
     * @throws IllegalArgumentException when {@code k < 2} or there are fewer samples than folds
     */
    public static List<Split> kFold(Samples data, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + k);
        }
        if (k > data.size()) {
            throw new IllegalArgumentException(k + " folds for " + data.size() + " samples: every fold needs a sample");
        }
        int[] foldOf = new int[data.size()];
        int dealt = 0;
        for (int[] group : shuffledGroups(data, new SplittableRandom(seed))) {
            for (int index : group) {
                foldOf[index] = dealt++ % k;
            }
        }
        List<Split> folds = new ArrayList<>(k);
        for (int fold = 0; fold < k; fold++) {
            int validationSize = 0;
            for (int f : foldOf) {
                validationSize += f == fold ? 1 : 0;
            }
            int[] train = new int[data.size() - validationSize];
            int[] validation = new int[validationSize];
            int t = 0;
            int v = 0;
            for (int i = 0; i < foldOf.length; i++) {
                if (foldOf[i] == fold) {
                    validation[v++] = i;
                } else {
                    train[t++] = i;
                }
            }
            folds.add(new Split(train, validation));
        }
        return folds;
    }

    /** The sample indices of each class (or all of them as one group without class labels), shuffled. */
    private static int[][] shuffledGroups(Samples data, SplittableRandom random) {
        int[][] groups;
        if (data.hasLabels() && data.labels().task() == Task.CLASSIFICATION) {
            groups = data.labels().indicesByClass();
        } else {
            groups = new int[][] {IntStream.range(0, data.size()).toArray()};
        }
        for (int[] group : groups) {
            shuffle(group, random);
        }
        return groups;
    }

    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swapped = values[i];
            values[i] = values[j];
            values[j] = swapped;
        }
    }

    /**
     * How many of each group go to validation: floor(n·f) each, the remainder of round(N·f) to
     * the largest fractional parts (lower group first on ties), then clamped to [1, n−1] for
     * groups of two or more and to 0 for a group of one.
     */
    private static int[] apportion(int[] sizes, double fraction) {
        long total = Arrays.stream(sizes).asLongStream().sum();
        int[] counts = new int[sizes.length];
        double[] remainders = new double[sizes.length];
        long assigned = 0;
        for (int g = 0; g < sizes.length; g++) {
            double exact = sizes[g] * fraction;
            counts[g] = (int) Math.floor(exact);
            remainders[g] = exact - counts[g];
            assigned += counts[g];
        }
        long missing = Math.round(total * fraction) - assigned;
        Integer[] byRemainder = new Integer[sizes.length];
        Arrays.setAll(byRemainder, g -> g);
        Arrays.sort(byRemainder, (a, b) -> Double.compare(remainders[b], remainders[a]));
        for (int r = 0; r < missing && r < byRemainder.length; r++) {
            counts[byRemainder[r]]++;
        }
        for (int g = 0; g < sizes.length; g++) {
            counts[g] = sizes[g] < 2 ? 0 : Math.clamp(counts[g], 1, sizes[g] - 1);
        }
        return counts;
    }

    private static Split sorted(int[] train, int[] validation) {
        Arrays.sort(train);
        Arrays.sort(validation);
        return new Split(train, validation);
    }
}
