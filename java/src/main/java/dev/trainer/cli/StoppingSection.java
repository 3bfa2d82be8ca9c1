package dev.trainer.cli;

import dev.trainer.config.StoppingConfig;
import dev.trainer.config.StoppingMetric;
import picocli.CommandLine.Option;

/** Remedies for over- and underfitting that the loop applies: early stopping (by a chosen metric) and label smoothing. */
final class StoppingSection implements OptionSection {

    @Option(names = "--early-stopping-patience", paramLabel = "N",
            description = "Stop after N validations without improvement and export the best checkpoint (0: off).")
    int patience;

    @Option(names = "--best-metric", paramLabel = "NAME", converter = Converters.Metric.class,
            description = "Metric of early stopping and the best checkpoint: val_loss (default), val_accuracy,"
                    + " val_macro_f1, ... (README).")
    StoppingMetric metric = StoppingConfig.DEFAULT.metric();

    /** The option's earlier name, kept working for scripts that use it. */
    @Option(names = "--early-stopping-metric", hidden = true, converter = Converters.Metric.class)
    void earlyStoppingMetric(StoppingMetric value) {
        metric = value;
    }

    @Option(names = "--min-delta", paramLabel = "D", description = "Smallest change that counts as an improvement.")
    double minDelta;

    @Option(names = "--label-smoothing", paramLabel = "S",
            description = "Cross-entropy against (1 - S) one-hot + S / classes, in [0, 1) (0: off).")
    double labelSmoothing;

    @Override
    public String heading() {
        return "Over- and underfitting";
    }

    StoppingConfig toConfig() {
        return new StoppingConfig(patience, metric, minDelta);
    }
}
