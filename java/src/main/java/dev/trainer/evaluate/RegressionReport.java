package dev.trainer.evaluate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** A regressor's scores on a data set, as {@link RegressionMetrics} computes them. */
public record RegressionReport(long samples, double mae, double mse, double rmse, double r2) {

    /** {@code {"samples", "mae", "mse", "rmse", "r2"}}; an undefined value is {@code null}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("samples", samples);
        ClassificationReport.number(json, "mae", mae);
        ClassificationReport.number(json, "mse", mse);
        ClassificationReport.number(json, "rmse", rmse);
        ClassificationReport.number(json, "r2", r2);
        return json;
    }

    /** One score a line, for a terminal. */
    public String render() {
        return String.format(Locale.ROOT, "samples %d%nmae     %.6f%nmse     %.6f%nrmse    %.6f%nr2      %.4f%n",
                samples, mae, mse, rmse, r2);
    }
}
