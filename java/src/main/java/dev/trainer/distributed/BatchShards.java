package dev.trainer.distributed;

import java.util.Arrays;

/**
 * Each rank's part of the batches a single process would take. The global order of an epoch is
 * the one a single process uses with a batch of {@link #globalBatchSize} (same seed, same
 * shuffle, same sampler); every global batch is then cut into contiguous slices, one per rank.
 * The ranks' gradients, weighted by {@link GlobalGradient}, add up to the gradient of the whole
 * global batch, so the job follows the single-process run to float32 summation order.
 */
public final class BatchShards {

    private BatchShards() {
    }

    /** The batch of one step across all ranks: the per-rank micro-batch times the ranks. */
    public static int globalBatchSize(int perRank, int ranks) {
        if (perRank < 1 || ranks < 1) {
            throw new IllegalArgumentException("batch size " + perRank + " on " + ranks + " ranks");
        }
        return Math.multiplyExact(perRank, ranks);
    }

    /**
     * Rank {@code rank}'s slice of a global batch of n samples: positions
     * {@code [floor(rank·n/ranks), floor((rank+1)·n/ranks))}, in order. The slices are disjoint,
     * cover the batch, and differ in size by at most one: a full batch of B·N gives every rank B,
     * and a last batch shorter than the ranks leaves some ranks an empty slice, with which they
     * still take part in the step's collectives (weight 0).
     */
    public static int[] of(int[] globalBatch, int rank, int ranks) {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks);
        }
        long n = globalBatch.length;
        return Arrays.copyOfRange(globalBatch, (int) (rank * n / ranks), (int) ((rank + 1) * n / ranks));
    }

    /** {@link #of} for every batch of an epoch: the step count stays the global one on every rank. */
    public static int[][] ofEpoch(int[][] globalBatches, int rank, int ranks) {
        int[][] shards = new int[globalBatches.length][];
        for (int b = 0; b < globalBatches.length; b++) {
            shards[b] = of(globalBatches[b], rank, ranks);
        }
        return shards;
    }
}
