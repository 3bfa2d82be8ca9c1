package dev.trainer.config;

/**
 * The training loss.
 *
 * @param kind           cross-entropy over logits or mean squared error ({@code --loss})
 * @param labelSmoothing cross-entropy's target is {@code (1 - s) onehot + s / classes} ({@code --label-smoothing}), in [0, 1)
 */
public record LossConfig(LossKind kind, double labelSmoothing) {

    /** Plain cross-entropy. */
    public static final LossConfig DEFAULT = new LossConfig(LossKind.CROSS_ENTROPY, 0);

    /** @throws IllegalArgumentException for a smoothing outside [0, 1), or smoothing a regression loss */
    public LossConfig {
        if (kind == null) {
            throw new IllegalArgumentException("--loss must be cross-entropy or mse");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && kind != LossKind.CROSS_ENTROPY) {
            throw new IllegalArgumentException("--label-smoothing needs --loss cross-entropy");
        }
    }
}
