package dev.trainer.events;

/**
 * A regressor's scores on labelled data, over every output value; NaN when not recorded.
 *
 * @param meanAbsoluteError mean |prediction − target|
 * @param meanSquaredError  mean (prediction − target)²
 * @param rootMeanSquaredError the square root of the mean squared error
 * @param r2                the coefficient of determination 1 − SSE/SST per output, averaged over
 *                          outputs (scikit-learn's {@code r2_score}, {@code uniform_average})
 */
public record RegressionScores(double meanAbsoluteError, double meanSquaredError, double rootMeanSquaredError,
                               double r2) {
}
