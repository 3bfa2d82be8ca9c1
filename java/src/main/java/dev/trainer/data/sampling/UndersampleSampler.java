package dev.trainer.data.sampling;

import dev.trainer.data.BatchOrder;
import dev.trainer.data.Labels;
import java.util.SplittableRandom;

/**
 * Random undersampling: every class is cut down to the smallest class's count, by a fresh draw
 * without replacement each epoch, and the epoch is shuffled. Epochs are short (classes × the
 * smallest count) but over several epochs the larger classes are seen in full.
 */
public final class UndersampleSampler implements Sampler {

    private final int[][] classes;
    private final int perClass;

    /** @throws IllegalArgumentException for regression targets or labels without samples */
    public UndersampleSampler(Labels labels) {
        this.classes = ClassIndices.presentClasses(labels, "undersample");
        int min = Integer.MAX_VALUE;
        for (int[] members : classes) {
            min = Math.min(min, members.length);
        }
        this.perClass = min;
    }

    @Override
    public int[][] epochBatches(int batchSize, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(BatchOrder.epochSeed(seed, epoch));
        int[] order = new int[epochSize()];
        int at = 0;
        for (int[] members : classes) {
            ClassIndices.drawWithoutReplacement(members, perClass, order, at, random);
            at += perClass;
        }
        ClassIndices.shuffle(order, random);
        return ClassIndices.batches(order, batchSize);
    }

    @Override
    public int epochSize() {
        return perClass * classes.length;
    }
}
