package dev.trainer.run;

import dev.trainer.ModelException;
import dev.trainer.config.RunConfig;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.train.step.TrainingModel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code trainer merge}: a base model and a run's {@link AdapterFile} into the model the run
 * exported. The base model must be the one the run trained (its SHA-256 is checked); the run's
 * untying of shared initializers and its head edit are made again from its recorded configuration
 * and seed, the fully trained parameters take their values, each adapter merges into its weight
 * and the input scaling goes first, exactly as the run's own export did.
 */
public final class AdapterMerge {

    private AdapterMerge() {
    }

    /**
     * Merges and writes the model atomically to {@code out}.
     *
     * @throws ModelException for a missing or foreign base model, or an unreadable adapters file
     */
    public static void merge(Path base, Path adapters, Path out) {
        ModelWriter.write(merged(base, AdapterFile.read(adapters)), out);
    }

    /** The merged model, in memory. */
    static OnnxModel merged(Path base, AdapterFile adapters) {
        if (!Files.isRegularFile(base)) {
            throw new ModelException("model file not found: " + base);
        }
        String trainedOn = adapters.provenance().get(ModelMetadata.BASE_MODEL_SHA256);
        String actual = Provenance.sha256(base);
        if (trainedOn != null && !trainedOn.equals(actual)) {
            throw new ModelException(base + " is not the model these adapters were trained on (its SHA-256 is "
                    + actual + ", the run's model's " + trainedOn + ")");
        }
        OnnxModel model = OnnxModel.load(base);
        String recorded = adapters.provenance().get(ModelMetadata.CONFIG);
        if (recorded != null) {
            RunConfig config = RunRecord.parseConfig(recorded);
            model = TrainingModel.exportEdit(model, config, note -> { }).model();
        }
        OnnxModel merged = ModelExport.withValues(model, adapters.trainedValues(), adapters.adapters(),
                adapters.factors(), adapters.provenance());
        OnnxModel scaled = ModelExport.withInputNormalization(merged, adapters.normalizations());
        return adapters.image() == null ? scaled : adapters.image().prependTo(scaled);
    }
}
