package dev.trainer.config;

/**
 * Early stopping on a validation metric; the best checkpoint by it is restored and exported.
 *
 * @param patience evaluations without improvement before stopping ({@code --early-stopping-patience}); 0 is off
 * @param metric   what counts as better ({@code --best-metric}, also spelt {@code --early-stopping-metric})
 * @param minDelta how much better counts as an improvement ({@code --min-delta})
 */
public record StoppingConfig(int patience, StoppingMetric metric, double minDelta) {

    /** Off. */
    public static final StoppingConfig DEFAULT = new StoppingConfig(0, StoppingMetric.VAL_LOSS, 0);

    /** @throws IllegalArgumentException for a negative patience or delta */
    public StoppingConfig {
        if (patience < 0) {
            throw new IllegalArgumentException("--early-stopping-patience must be >= 0 (0: off), got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("--min-delta must be a finite number >= 0, got " + minDelta);
        }
        if (metric == null) {
            throw new IllegalArgumentException("--best-metric must name a validation metric");
        }
    }

    /** Whether early stopping is on. */
    public boolean enabled() {
        return patience > 0;
    }
}
