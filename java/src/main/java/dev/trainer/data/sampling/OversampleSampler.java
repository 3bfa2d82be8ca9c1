package dev.trainer.data.sampling;

import dev.trainer.data.BatchOrder;
import dev.trainer.data.Labels;
import java.util.SplittableRandom;

/**
 * Random oversampling: every class is brought up to the largest class's count, and the epoch is
 * shuffled. A class of n samples under a maximum of m appears ⌊m/n⌋ times whole plus m mod n of
 * its samples drawn without replacement, so every original sample is seen every epoch and the
 * samples of a class appear equally often, give or take one.
 */
public final class OversampleSampler implements Sampler {

    private final int[][] classes;
    private final int perClass;

    /** @throws IllegalArgumentException for regression targets or labels without samples */
    public OversampleSampler(Labels labels) {
        this.classes = ClassIndices.presentClasses(labels, "oversample");
        int max = 0;
        for (int[] members : classes) {
            max = Math.max(max, members.length);
        }
        this.perClass = max;
    }

    @Override
    public int[][] epochBatches(int batchSize, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(BatchOrder.epochSeed(seed, epoch));
        int[] order = new int[epochSize()];
        int at = 0;
        for (int[] members : classes) {
            for (int copy = 0; copy < perClass / members.length; copy++) {
                System.arraycopy(members, 0, order, at, members.length);
                at += members.length;
            }
            int rest = perClass % members.length;
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
