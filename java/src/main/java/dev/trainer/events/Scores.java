package dev.trainer.events;

import dev.trainer.config.StoppingMetric;
import java.util.List;

/**
 * How well a model does on labelled data: the loss, and a classifier's or a regressor's metrics.
 *
 * @param loss           the mean loss (plain: no class or sample weights, no smoothing)
 * @param samples        how many samples were scored
 * @param classification the classification metrics; {@code null} for regression
 * @param regression     the regression metrics; {@code null} for classification
 */
public record Scores(double loss, int samples, ClassificationScores classification, RegressionScores regression) {

    /** Whether these are a classifier's scores. */
    public boolean isClassification() {
        return classification != null;
    }

    /** The fraction of correct argmax predictions; NaN for regression. */
    public double accuracy() {
        return classification == null ? Double.NaN : classification.accuracy();
    }

    /** The mean of the per-class F1 scores; NaN for regression. */
    public double macroF1() {
        return classification == null ? Double.NaN : classification.macroF1();
    }

    /** Per class, the fraction of its samples predicted right (NaN for a class absent from the data); empty for regression. */
    public List<Double> recall() {
        return classification == null ? List.of() : classification.recall();
    }

    /** Per class, the fraction of all predictions that were it; empty for regression. */
    public List<Double> predictedShare() {
        return classification == null ? List.of() : classification.predictedShare();
    }

    /** Mean |prediction − target|; NaN for classification. */
    public double meanAbsoluteError() {
        return regression == null ? Double.NaN : regression.meanAbsoluteError();
    }

    /** The coefficient of determination; NaN for classification. */
    public double r2() {
        return regression == null ? Double.NaN : regression.r2();
    }

    /**
     * The value of one metric, as early stopping and best-checkpoint selection compare it; NaN when
     * these scores do not have it (a classification metric of a regressor, a top-k accuracy not
     * computed).
     */
    public double value(StoppingMetric metric) {
        ClassificationScores c = classification;
        RegressionScores r = regression;
        return switch (metric) {
            case VAL_LOSS -> loss;
            case VAL_ACCURACY -> c == null ? Double.NaN : c.accuracy();
            case VAL_MACRO_F1 -> c == null ? Double.NaN : c.macroF1();
            case VAL_WEIGHTED_F1 -> c == null ? Double.NaN : c.weightedF1();
            case VAL_ROC_AUC -> c == null ? Double.NaN : c.rocAuc();
            case VAL_PR_AUC -> c == null ? Double.NaN : c.prAuc();
            case VAL_LOG_LOSS -> c == null ? Double.NaN : c.logLoss();
            case VAL_TOP_K_ACCURACY -> c == null || c.topK().isEmpty() ? Double.NaN : c.topK().get(c.topK().lastKey());
            case VAL_MAE -> r == null ? Double.NaN : r.meanAbsoluteError();
            case VAL_MSE -> r == null ? Double.NaN : r.meanSquaredError();
            case VAL_RMSE -> r == null ? Double.NaN : r.rootMeanSquaredError();
            case VAL_R2 -> r == null ? Double.NaN : r.r2();
        };
    }
}
