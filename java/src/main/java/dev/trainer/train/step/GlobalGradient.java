package dev.trainer.train.step;

import dev.trainer.distributed.Collective;
import dev.trainer.runtime.Placement;
import java.lang.foreign.MemorySegment;

/**
 * The gradient reducer of a data-parallel job: turns each rank's gradient of its own shard into
 * the gradient of the whole global batch, exactly.
 *
 * <p>The losses are weighted means: a shard's loss is {@code L_r = sum_i w_i l_i / W_r} with
 * {@code W_r = sum_i w_i} over its samples (for cross-entropy {@code w_i} is the sample's class
 * weight, 0 for an ignored label; for mean squared error every sample weighs 1). The global
 * batch's loss is {@code L = sum_r W_r L_r / W} with {@code W = sum_r W_r}, so its gradient is
 * {@code sum_r (W_r / W) grad L_r}: each rank scales its gradient by {@code W_r / W} and the
 * ranks sum. The weights are summed first (with the loss, sample and hit counts, in one small
 * all-reduce), then the gradient buffer is scaled and summed in place (one large all-reduce).
 * Uneven shards, including an empty one, are therefore exact, not approximately averaged.
 */
public final class GlobalGradient implements GradientReducer {

    private final Collective collective;
    private final Placement placement;

    /** Sums with {@code collective}, which must reach {@code placement}'s memory (MPI the host's, NCCL a GPU's). */
    public GlobalGradient(Collective collective, Placement placement) {
        this.collective = collective;
        this.placement = placement;
    }

    /**
     * Replaces this rank's gradient of its shard's loss with the global batch's gradient; an empty
     * shard ({@code local.weight()} 0) contributes zero whatever its buffer held.
     *
     * @throws IllegalArgumentException for a negative or non-finite weight, before anything is sent
     */
    @Override
    public BatchLoss reduce(MemorySegment gradients, long count, BatchLoss local) {
        double weight = local.weight();
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("a shard's weight must be finite and >= 0, not " + weight);
        }
        boolean counted = local.correct() >= 0;
        double[] sums = {weight, weight == 0 ? 0 : local.value() * weight, local.samples(),
                counted ? local.correct() : 0, counted ? local.samples() : 0};
        collective.allReduceSum(sums);
        double total = sums[0];
        if (weight == 0) {
            placement.zero(gradients, count * Float.BYTES);
        } else if (weight != total) {
            placement.kernels().scale(gradients, count, (float) (weight / total));
        }
        collective.allReduceSum(gradients, count);
        // like the loss kernels, a batch without weight (every label ignored) has loss 0
        return new BatchLoss(total == 0 ? 0 : sums[1] / total, total, (int) sums[2],
                sums[4] == sums[2] ? (int) sums[3] : -1);
    }
}
