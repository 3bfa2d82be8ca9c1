package dev.trainer.data.sampling;

import dev.trainer.data.BatchOrder;
import dev.trainer.data.Labels;
import java.util.SplittableRandom;

/**
 * Every class brought to the same count per epoch, and the epoch shuffled:
 *
 * <ul>
 *   <li>{@link #oversample}: up to the largest class's count. A class of n samples under a maximum
 *       of m appears ⌊m/n⌋ times whole plus m mod n of its samples drawn without replacement, so
 *       every original sample is seen every epoch and the samples of a class appear equally
 *       often, give or take one.</li>
 *   <li>{@link #undersample}: down to the smallest class's count, by a fresh draw without
 *       replacement each epoch. Epochs are short (classes × the smallest count) but over several
 *       epochs the larger classes are seen in full.</li>
 * </ul>
 */
public final class EqualCountSampler implements Sampler {

    private final int[][] classes;
    private final int perClass;
    private final boolean wholeCopies;

    private EqualCountSampler(int[][] classes, int perClass, boolean wholeCopies) {
        this.classes = classes;
        this.perClass = perClass;
        this.wholeCopies = wholeCopies;
    }

    /**
     * Every class up to the largest one's count.
     *
     * @throws IllegalArgumentException for regression targets or labels without samples
     */
    public static EqualCountSampler oversample(Labels labels) {
        int[][] classes = ClassIndices.presentClasses(labels, "oversample");
        int max = 0;
        for (int[] members : classes) {
            max = Math.max(max, members.length);
        }
        return new EqualCountSampler(classes, max, true);
    }

    /**
     * Every class down to the smallest one's count.
     *
     * @throws IllegalArgumentException for regression targets or labels without samples
     */
    public static EqualCountSampler undersample(Labels labels) {
        int[][] classes = ClassIndices.presentClasses(labels, "undersample");
        int min = Integer.MAX_VALUE;
        for (int[] members : classes) {
            min = Math.min(min, members.length);
        }
        return new EqualCountSampler(classes, min, false);
    }

    @Override
    public int[][] epochBatches(int batchSize, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(BatchOrder.epochSeed(seed, epoch));
        int[] order = new int[epochSize()];
        int at = 0;
        for (int[] members : classes) {
            int copies = wholeCopies ? perClass / members.length : 0;
            for (int copy = 0; copy < copies; copy++) {
                System.arraycopy(members, 0, order, at, members.length);
                at += members.length;
            }
            int rest = perClass - copies * members.length;
            ClassIndices.drawWithoutReplacement(members, rest, order, at, random);
            at += rest;
        }
        ClassIndices.shuffle(order, random);
        return ClassIndices.batches(order, batchSize);
    }

    @Override
    public int epochSize() {
        return Math.multiplyExact(perClass, classes.length);
    }
}
