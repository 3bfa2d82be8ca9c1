package dev.trainer.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.config.DataConfig;
import dev.trainer.config.TextConfig;
import dev.trainer.data.Datasets;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.data.TextTokenizer;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads data for an already trained model (evaluate, predict): text is tokenized with the model's
 * tokenizer and its class names are the ones the model was trained with, from its metadata.
 */
public final class DataFiles {

    private DataFiles() {
    }

    public static Samples read(Path data, Path modelFile, OnnxModel model, List<InputSpec> inputs, Task task,
                               String labelColumn, boolean labelsRequired, TextConfig text) {
        if (!DataConfig.isText(data)) {
            return Datasets.read(data, inputs, new Labelling(task, labelColumn, null, labelsRequired), null);
        }
        try (TextTokenizer tokenizer = TextTokenizer.forModel(text, modelFile)) {
            return Datasets.read(data, inputs, new Labelling(task, labelColumn, null, labelsRequired),
                    new Datasets.TextOptions(tokenizer, classNames(model)));
        }
    }

    /** The class names a fine-tune recorded in the model's metadata, or {@code null} when it recorded none. */
    public static List<String> classNames(OnnxModel model) {
        for (var p : model.proto().getMetadataPropsList()) {
            if (p.getKey().equals(RunRecord.CLASS_NAMES_KEY)) {
                try {
                    return Arrays.asList(new ObjectMapper().readValue(p.getValue(), String[].class));
                } catch (JsonProcessingException e) {
                    throw new ModelException("model metadata " + RunRecord.CLASS_NAMES_KEY + " is not a JSON list of names");
                }
            }
        }
        return null;
    }
}
