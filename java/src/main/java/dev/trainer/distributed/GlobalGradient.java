package dev.trainer.distributed;

import dev.trainer.kernels.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * Turns each rank's gradient of its own shard into the gradient of the whole global batch.
 *
 * <p>The losses are weighted means: a shard's loss is {@code L_r = sum_i w_i l_i / W_r} with
 * {@code W_r = sum_i w_i} over its samples (for cross-entropy {@code w_i} is the sample's class
 * weight, 0 for an ignored label; for mean squared error every element weighs 1). The global
 * batch's loss is {@code L = sum_r W_r L_r / W} with {@code W = sum_r W_r}, so its gradient is
 * {@code sum_r (W_r / W) grad L_r}: each rank scales its gradient by {@code W_r / W} and the
 * ranks sum. The weights are summed first (with the loss and any statistics, in one small
 * all-reduce), then the gradient buffer is scaled and summed in place (one large all-reduce).
 * Uneven shards, including an empty one, are therefore exact, not approximately averaged.
 */
public final class GlobalGradient {

    /**
     * The global batch's figures, identical on every rank.
     *
     * @param loss   the weighted-mean loss of the global batch
     * @param weight the global batch's total weight {@code W}: its sample count when unweighted
     * @param sums   the statistics passed in, summed over the ranks
     */
    public record Reduced(double loss, double weight, double[] sums) {
    }

    private final Collective collective;
    private final Kernels kernels;

    public GlobalGradient(Collective collective, Kernels kernels) {
        this.collective = collective;
        this.kernels = kernels;
    }

    /**
     * Replaces this rank's gradient of its shard's loss with the global batch's gradient.
     *
     * @param gradients  the flat gradient buffer, {@code count} floats, of {@code loss}
     * @param loss       this rank's weighted-mean loss (any value when the weight is 0)
     * @param weight     this rank's weight sum {@code W_r}; 0 for an empty shard, whose
     *                   gradient buffer is then zeroed whatever it held
     * @param statistics further per-rank sums to add up across ranks in the same call (correct
     *                   predictions, sample counts)
     */
    public Reduced reduce(MemorySegment gradients, long count, double loss, double weight, double... statistics) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("a shard's weight must be finite and >= 0, not " + weight);
        }
        double[] sums = new double[2 + statistics.length];
        sums[0] = weight;
        sums[1] = weight == 0 ? 0 : loss * weight;
        System.arraycopy(statistics, 0, sums, 2, statistics.length);
        collective.allReduceSum(sums);
        double total = sums[0];
        if (weight == 0) {
            gradients.asSlice(0, count * Float.BYTES).fill((byte) 0);
        } else if (weight != total) {
            kernels.scale(gradients, count, (float) (weight / total));
        }
        collective.allReduceSum(gradients, count);
        double[] statisticSums = new double[statistics.length];
        System.arraycopy(sums, 2, statisticSums, 0, statistics.length);
        return new Reduced(total == 0 ? 0 : sums[1] / total, total, statisticSums);
    }
}
