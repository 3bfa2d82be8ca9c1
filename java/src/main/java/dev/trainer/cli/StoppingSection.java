package dev.trainer.cli;

import dev.trainer.config.EvaluationConfig;
import dev.trainer.config.StoppingConfig;
import dev.trainer.config.StoppingMetric;
import picocli.CommandLine.Option;

/** What validations report and the remedies for over- and underfitting the loop applies: early stopping, label smoothing. */
final class StoppingSection implements OptionSection {

    @Option(names = "--early-stopping-patience", paramLabel = "N",
            description = "Stop after N validations without improvement and export the best checkpoint (0: off).")
    int patience;

    @Option(names = {"--best-metric", "--early-stopping-metric"}, defaultValue = "val_loss", paramLabel = "NAME",
            converter = Converters.Metric.class, description = "The validation metric early stopping watches and the"
                    + " best checkpoint is chosen by: val_loss, val_accuracy, val_macro_f1, val_weighted_f1, val_roc_auc,"
                    + " val_pr_auc, val_log_loss, val_top_k_accuracy; val_mae, val_mse, val_rmse, val_r2 for --loss mse"
                    + " (default: ${DEFAULT-VALUE}).")
    StoppingMetric metric;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Report each validation's top-K accuracy, when there are more than K classes (default: ${DEFAULT-VALUE}).")
    int topK = EvaluationConfig.DEFAULT.topK();

    @Option(names = "--min-delta", paramLabel = "D", description = "Smallest change that counts as an improvement.")
    double minDelta;

    @Option(names = "--label-smoothing", paramLabel = "S",
            description = "Cross-entropy against (1 - S) one-hot + S / classes, in [0, 1) (0: off).")
    double labelSmoothing;

    @Override
    public String heading() {
        return "Validation, over- and underfitting";
    }

    StoppingConfig toConfig() {
        return new StoppingConfig(patience, metric, minDelta);
    }

    EvaluationConfig evaluation() {
        return new EvaluationConfig(topK);
    }
}
