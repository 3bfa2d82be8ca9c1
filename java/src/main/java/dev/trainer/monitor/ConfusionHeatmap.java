package dev.trainer.monitor;

import dev.trainer.events.ConfusionMatrix;
import dev.trainer.plot.Heatmap;

/** A confusion matrix as a picture, for the run plot and TensorBoard: rows the true classes, columns the predictions. */
public final class ConfusionHeatmap {

    private ConfusionHeatmap() {
    }

    /** Rows labelled by class name, columns by name when the names are short and by id otherwise. */
    public static Heatmap of(ConfusionMatrix matrix, String title) {
        return new Heatmap(title, matrix.rowLabels(), matrix.columnLabels(), "true class", "predicted class",
                matrix.counts());
    }
}
