package dev.trainer.config;

/**
 * Remedies for class imbalance and overfitting that change what the loss sees; each {@code null}
 * or 0 when off.
 *
 * @param classWeights per-class loss weights ({@code --class-weights})
 * @param sampler      class-balancing batch sampler ({@code --sampler})
 * @param augment      synthetic minority samples ({@code --augment})
 * @param mixup        mixup's Beta(alpha, alpha) ({@code --mixup}); 0 for none
 */
public record BalanceConfig(ClassWeights classWeights, SamplerKind sampler, Augmentation augment, double mixup) {

    /** Nothing rebalanced or mixed. */
    public static final BalanceConfig DEFAULT = new BalanceConfig(null, null, null, 0);

    /** @throws IllegalArgumentException for a negative mixup alpha */
    public BalanceConfig {
        if (!(mixup >= 0) || Double.isInfinite(mixup)) {
            throw new IllegalArgumentException("--mixup alpha must be >= 0, got " + mixup);
        }
    }
}
