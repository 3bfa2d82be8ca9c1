package dev.trainer.config;

/**
 * The training loop.
 *
 * @param epochs     passes over the training data ({@code --epochs})
 * @param batchSize  samples per step ({@code --batch-size}); an epoch's last batch may be smaller
 * @param maxSteps   stop after this many steps even mid-epoch ({@code --max-steps}); 0 for no limit
 * @param shuffle    a new order every epoch (off with {@code --no-shuffle})
 * @param seed       seeds shuffling, sampling, dropout, heads and augmentation ({@code --seed})
 * @param evalEvery  also validate every this many steps ({@code --eval-every}); 0 for each epoch only
 * @param statsEvery record per-layer gradient and update statistics every this many steps
 *                   ({@code --stats-every}); 0 for each epoch's end
 */
public record LoopConfig(int epochs, int batchSize, long maxSteps, boolean shuffle, long seed, long evalEvery,
                         long statsEvery) {

    /** 5 epochs of 32, shuffled with seed 42. */
    public static final LoopConfig DEFAULT = new LoopConfig(5, 32, 0, true, 42, 0, 0);

    /** @throws IllegalArgumentException for fewer than 1 epoch or sample per batch, or a negative count */
    public LoopConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (maxSteps < 0 || evalEvery < 0 || statsEvery < 0) {
            throw new IllegalArgumentException("--max-steps, --eval-every and --stats-every must be >= 0");
        }
    }

    /** This loop with another batch size. */
    public LoopConfig withBatchSize(int size) {
        return new LoopConfig(epochs, size, maxSteps, shuffle, seed, evalEvery, statsEvery);
    }
}
