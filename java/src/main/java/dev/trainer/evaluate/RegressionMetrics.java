package dev.trainer.evaluate;

import dev.trainer.events.RegressionScores;

/**
 * Collects a regressor's outputs and targets batch by batch: mean absolute and squared error
 * over every output value, and R² per output, averaged over outputs (scikit-learn's
 * {@code r2_score} with {@code multioutput="uniform_average"}). The target mean and spread are
 * accumulated with Welford's update, so that targets far from zero lose no precision. Not
 * thread-safe.
 */
public final class RegressionMetrics {

    private final int outputs;
    private long samples;
    private double absoluteErrors;
    private final double[] squaredErrors;
    private final double[] targetMean;
    private final double[] targetSpread;

    /** @param outputs values per sample */
    public RegressionMetrics(int outputs) {
        if (outputs < 1) {
            throw new IllegalArgumentException("regression needs at least 1 output, got " + outputs);
        }
        this.outputs = outputs;
        this.squaredErrors = new double[outputs];
        this.targetMean = new double[outputs];
        this.targetSpread = new double[outputs];
    }

    /**
     * Adds a batch: {@code predictions} and {@code targets} both {@code [n, outputs]} row-major.
     *
     * @throws IllegalArgumentException when their lengths differ or are not whole samples
     */
    public void add(float[] predictions, float[] targets) {
        if (predictions.length != targets.length || predictions.length % outputs != 0) {
            throw new IllegalArgumentException(predictions.length + " predictions for " + targets.length
                    + " targets of " + outputs + " outputs per sample");
        }
        for (int i = 0; i < predictions.length; i += outputs) {
            samples++;
            for (int o = 0; o < outputs; o++) {
                double t = targets[i + o];
                double e = predictions[i + o] - t;
                absoluteErrors += Math.abs(e);
                squaredErrors[o] += e * e;
                double delta = t - targetMean[o];
                targetMean[o] += delta / samples;
                targetSpread[o] += delta * (t - targetMean[o]);
            }
        }
    }

    /**
     * The scores of everything added. R² of an output whose targets are all equal is 1 when its
     * predictions are exact and 0 otherwise (scikit-learn's {@code force_finite}).
     *
     * @throws IllegalStateException when nothing was added
     */
    public RegressionScores report() {
        if (samples == 0) {
            throw new IllegalStateException("no samples to score");
        }
        double squared = 0;
        double r2 = 0;
        for (int o = 0; o < outputs; o++) {
            squared += squaredErrors[o];
            r2 += targetSpread[o] > 0 ? 1 - squaredErrors[o] / targetSpread[o] : squaredErrors[o] == 0 ? 1 : 0;
        }
        long values = samples * outputs;
        double mse = squared / values;
        return new RegressionScores(absoluteErrors / values, mse, Math.sqrt(mse), r2 / outputs);
    }
}
