package dev.trainer.events;

import java.util.List;

/**
 * An epoch's summary.
 *
 * @param epoch         the 1-based epoch
 * @param step          steps taken by its end
 * @param trainLoss     the mean loss over the epoch's training batches
 * @param trainAccuracy the accuracy on the training batches as they were trained on; NaN for
 *                      regression or mixed batches
 * @param validation    the scores on the validation data after the epoch, or {@code null} without validation data
 */
public record EpochEvent(int epoch, long step, double trainLoss, double trainAccuracy, Scores validation)
        implements TrainingEvent {

    /** The validation loss, or NaN without validation data. */
    public double valLoss() {
        return validation == null ? Double.NaN : validation.loss();
    }

    /** The validation accuracy, or NaN without validation data or for regression. */
    public double valAccuracy() {
        return validation == null ? Double.NaN : validation.accuracy();
    }

    /** Per-class validation recall; empty when not recorded. */
    public List<Double> valRecall() {
        return validation == null ? List.of() : validation.recall();
    }

    /** Per-class share of validation predictions; empty when not recorded. */
    public List<Double> valPredictedShare() {
        return validation == null ? List.of() : validation.predictedShare();
    }

    /** Validation loss minus training loss: how far the model does worse on data it did not see. */
    public double gap() {
        return valLoss() - trainLoss;
    }
}
