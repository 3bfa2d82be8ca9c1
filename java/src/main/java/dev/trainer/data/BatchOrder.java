package dev.trainer.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Which samples go into which batch, epoch by epoch. */
public final class BatchOrder {

    private BatchOrder() {
    }

    /**
     * The sample indices of each batch of one epoch: every index in {@code [0, datasetSize)}
     * exactly once, in batches of {@code batchSize} and a smaller last one when it does not divide.
     * Without shuffling the order is 0, 1, 2, ...; with it, a Fisher–Yates shuffle that depends
     * only on {@code (seed, epoch)}, so a run can be repeated and each epoch sees a new order.
     */
    public static int[][] epochBatches(int datasetSize, int batchSize, boolean shuffle, long seed, int epoch) {
        if (datasetSize < 0 || batchSize < 1) {
            throw new IllegalArgumentException("dataset size " + datasetSize + ", batch size " + batchSize);
        }
        int[] order = new int[datasetSize];
        for (int i = 0; i < datasetSize; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(epochSeed(seed, epoch));
            for (int i = datasetSize - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swapped = order[i];
                order[i] = order[j];
                order[j] = swapped;
            }
        }
        int[][] batches = new int[Math.ceilDiv(datasetSize, batchSize)][];
        for (int b = 0; b < batches.length; b++) {
            int start = b * batchSize;
            batches[b] = Arrays.copyOfRange(order, start, Math.min(start + batchSize, datasetSize));
        }
        return batches;
    }

    /** The seed of one epoch's random stream, for every per-epoch draw (shuffles, samplers): {@link Seeds#derive}. */
    public static long epochSeed(long seed, int epoch) {
        return Seeds.derive(seed, epoch);
    }
}
