package dev.trainer.config;

import java.util.Locale;

/** The validation metric early stopping watches. */
public enum StoppingMetric implements OptionValue {
    /** The validation loss: lower is better. */
    VAL_LOSS,
    /** The validation accuracy: higher is better. */
    VAL_ACCURACY;

    /** {@code val_loss} or {@code val_accuracy}, the {@code --early-stopping-metric} values. */
    public static StoppingMetric parse(String text) {
        return Specs.constant("--early-stopping-metric", text, values(), StoppingMetric::spec);
    }

    /** Whether a lower value is an improvement: the loss, not the accuracy. */
    public boolean lowerIsBetter() {
        return this == VAL_LOSS;
    }

    /** As metrics.jsonl names the field: {@code val_loss}, {@code val_accuracy}. */
    @Override
    public String spec() {
        return name().toLowerCase(Locale.ROOT);
    }
}
