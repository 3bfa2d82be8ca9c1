package dev.trainer.config;

/**
 * The training loop.
 *
 * @param epochs     passes over the training data ({@code --epochs})
 * @param batchSize  samples per batch ({@code --batch-size}); an epoch's last batch may be smaller
 * @param gradAccum  batches per optimizer step ({@code --grad-accum}): their gradients are
 *                   accumulated into one, as of one batch of {@code gradAccum × batchSize} samples;
 *                   an epoch's last step may take fewer. 1 steps on every batch
 * @param maxSteps   stop after this many (optimizer) steps even mid-epoch ({@code --max-steps}); 0 for no limit
 * @param shuffle    a new order every epoch (off with {@code --no-shuffle})
 * @param seed       seeds shuffling, sampling, dropout, heads and augmentation ({@code --seed})
 * @param evalEvery  also validate every this many steps ({@code --eval-every}); 0 for each epoch only
 * @param statsEvery record per-layer gradient and update statistics every this many steps
 *                   ({@code --stats-every}); 0 for each epoch's end
 */
public record LoopConfig(int epochs, int batchSize, int gradAccum, long maxSteps, boolean shuffle, long seed, long evalEvery,
                         long statsEvery) {

    /** 5 epochs of 32, a step per batch, shuffled with seed 42. */
    public static final LoopConfig DEFAULT = new LoopConfig(5, 32, 1, 0, true, 42, 0, 0);

    /** @throws IllegalArgumentException for fewer than 1 epoch, sample per batch or batch per step, or a negative count */
    public LoopConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (gradAccum < 1) {
            throw new IllegalArgumentException("--grad-accum must be at least 1, got " + gradAccum);
        }
        requireNotNegative("--max-steps", maxSteps);
        requireNotNegative("--eval-every", evalEvery);
        requireNotNegative("--stats-every", statsEvery);
    }

    private static void requireNotNegative(String option, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(option + " must be >= 0 (0: off), got " + value);
        }
    }

    /** Samples per optimizer step: the batch size times the batches accumulated. */
    public long effectiveBatchSize() {
        return (long) batchSize * gradAccum;
    }

    /** This loop with another batch size. */
    public LoopConfig withBatchSize(int size) {
        return new LoopConfig(epochs, size, gradAccum, maxSteps, shuffle, seed, evalEvery, statsEvery);
    }
}
