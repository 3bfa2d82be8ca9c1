package dev.trainer.data.sampling;

import dev.trainer.data.BatchOrder;
import dev.trainer.data.Labels;
import java.util.SplittableRandom;

/**
 * Weighted sampling with replacement, each sample weighted by 1 / its class's count, so every
 * class with samples is drawn equally often in expectation (PyTorch's
 * {@code WeightedRandomSampler} with those weights). An epoch draws as many samples as the data
 * has; rare samples repeat within it and common ones are skipped.
 */
public final class BalancedSampler implements Sampler {

    private final int[][] classes;
    private final int size;

    /** @throws IllegalArgumentException for regression targets or labels without samples */
    public BalancedSampler(Labels labels) {
        this.classes = ClassIndices.presentClasses(labels, "balanced");
        this.size = labels.size();
    }

    @Override
    public int[][] epochBatches(int batchSize, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(BatchOrder.epochSeed(seed, epoch));
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            // with weights 1/count per sample each class carries total weight 1: drawing a class
            // uniformly, then a sample of it uniformly, is the same distribution in O(1) per draw
            int[] members = classes[random.nextInt(classes.length)];
            order[i] = members[random.nextInt(members.length)];
        }
        return ClassIndices.batches(order, batchSize);
    }

    @Override
    public int epochSize() {
        return size;
    }
}
