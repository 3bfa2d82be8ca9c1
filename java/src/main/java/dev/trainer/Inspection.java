package dev.trainer;

import dev.trainer.evaluate.ModelInspection;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Path;

/**
 * What a model is, as trainer sees it: its inputs and outputs, its parameters (trainable by
 * default or frozen), its ops and whether each has a gradient, and whether training would work or
 * what blocks it.
 *
 * @param report the description, several lines
 * @param ready  whether every default trainable parameter can be differentiated with respect to the first output
 */
public record Inspection(String report, boolean ready) {

    /**
     * Reads and inspects a model file.
     *
     * @throws ModelException when the file is not a model ONNX Runtime can read
     */
    public static Inspection of(Path model) {
        ModelInspection inspection = ModelInspection.of(OnnxModel.load(model));
        return new Inspection(inspection.report(), inspection.ready());
    }

    @Override
    public String toString() {
        return report;
    }
}
