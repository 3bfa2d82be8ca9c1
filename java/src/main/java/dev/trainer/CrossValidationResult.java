package dev.trainer;

import dev.trainer.run.CrossValidation;
import java.util.List;

/**
 * K folds' validation results and their spread.
 *
 * @param losses      each fold's validation loss
 * @param accuracies  each fold's validation accuracy (NaN for regression)
 * @param largeSpread whether the folds disagree enough that a single validation split would mislead
 */
public record CrossValidationResult(List<Double> losses, List<Double> accuracies, double meanLoss, double stdLoss,
                                    double meanAccuracy, double stdAccuracy, boolean largeSpread) {

    public CrossValidationResult {
        losses = List.copyOf(losses);
        accuracies = List.copyOf(accuracies);
    }

    static CrossValidationResult of(CrossValidation.Result r) {
        return new CrossValidationResult(r.losses(), r.accuracies(), r.meanLoss(), r.stdLoss(), r.meanAccuracy(),
                r.stdAccuracy(), r.largeSpread());
    }

    /** The folds' table, mean and standard deviation, and a warning when they spread widely. */
    public String summary() {
        return CrossValidation.summary(new CrossValidation.Result(losses, accuracies, meanLoss, stdLoss, meanAccuracy,
                stdAccuracy, largeSpread));
    }
}
