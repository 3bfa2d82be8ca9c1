package dev.trainer.events;

import java.util.List;

/**
 * How well a model does on labelled data.
 *
 * @param loss              the mean loss (plain: no class or sample weights, no smoothing)
 * @param accuracy          the fraction of correct argmax predictions; NaN for regression
 * @param macroF1           the mean of the per-class F1 scores; NaN for regression
 * @param meanAbsoluteError mean |prediction − target|; NaN for classification
 * @param r2                the coefficient of determination 1 − SSE/SST; NaN for classification
 * @param recall            per class c: of the samples labelled c, the fraction predicted c (NaN
 *                          for a class absent from the data); empty for regression
 * @param predictedShare    per class c: the fraction of all predictions that were c; empty for regression
 * @param samples           how many samples were scored
 */
public record Scores(double loss, double accuracy, double macroF1, double meanAbsoluteError, double r2,
                     List<Double> recall, List<Double> predictedShare, int samples) {

    public Scores {
        recall = List.copyOf(recall);
        predictedShare = List.copyOf(predictedShare);
    }

    /** Whether these are a classifier's scores. */
    public boolean classification() {
        return !Double.isNaN(accuracy);
    }
}
