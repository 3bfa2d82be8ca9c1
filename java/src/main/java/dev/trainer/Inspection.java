package dev.trainer;

import dev.trainer.evaluate.ModelInspection;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.List;

/**
 * What a model is, as trainer sees it: its inputs and outputs, its parameters (trainable by
 * default or frozen), its ops and whether each has a gradient, the traps exporters leave (shared
 * initializers, random ops), and whether training would work or what blocks it.
 *
 * @param report             the description, several lines
 * @param ready              whether every default trainable parameter can be differentiated with respect to the first output
 * @param sharedInitializers the float initializers more than one node reads, which train as one tensor unless
 *                           untied ({@code GraphTraps.untieShared}); the report says which look like an exporter's merge
 * @param randomOps          the names of random nodes (dropout exported in training mode), which fine-tune refuses
 *                           unless {@code GraphTraps.allowRandomOps}
 */
public record Inspection(String report, boolean ready, List<String> sharedInitializers, List<String> randomOps) {

    public Inspection {
        sharedInitializers = List.copyOf(sharedInitializers);
        randomOps = List.copyOf(randomOps);
    }

    /**
     * Reads and inspects a model file.
     *
     * @throws ModelException when the file is not a model ONNX Runtime can read
     */
    public static Inspection of(Path model) {
        ModelInspection inspection = ModelInspection.of(OnnxModel.load(model));
        return new Inspection(inspection.report(), inspection.ready(), inspection.sharedInitializers(),
                inspection.randomOps());
    }

    @Override
    public String toString() {
        return report;
    }
}
