package dev.trainer.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.data.Datasets;
import dev.trainer.data.ImageOptions;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.data.TextTokenizer;
import dev.trainer.data.image.ImageNormalization;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads data for an already trained model (evaluate, predict): text is tokenized with the model's
 * tokenizer, images are sized as the model was trained, and class names are the ones the model
 * was trained with, from its metadata.
 */
public final class DataFiles {

    private DataFiles() {
    }

    public static Samples read(Path data, Path modelFile, OnnxModel model, List<InputSpec> inputs, Task task,
                               String labelColumn, boolean labelsRequired, TextSettings text) {
        if (Datasets.holdsImages(data)) {
            return Datasets.read(data, inputs, task, labelColumn, labelsRequired, null, imageOptions(model));
        }
        if (!TextSettings.isText(data)) {
            return Datasets.read(data, inputs, task, labelColumn, labelsRequired, null);
        }
        try (TextTokenizer tokenizer = text.load(modelFile)) {
            return Datasets.read(data, inputs, task, labelColumn, labelsRequired,
                    new Datasets.TextOptions(tokenizer, classNames(model)));
        }
    }

    /**
     * Images as the model was trained on them: the size and the class names a fine-tune recorded
     * in its metadata; no normalization, which the export made the model's first nodes.
     */
    static ImageOptions imageOptions(OnnxModel model) {
        int[] size = null;
        for (var p : model.proto().getMetadataPropsList()) {
            if (p.getKey().equals(RunRecord.IMAGE_PREPROCESSING_KEY)) {
                try {
                    JsonNode recorded = new ObjectMapper().readTree(p.getValue());
                    size = new int[] {recorded.path("height").asInt(), recorded.path("width").asInt()};
                } catch (JsonProcessingException e) {
                    throw new ModelException("model metadata " + RunRecord.IMAGE_PREPROCESSING_KEY + " is not JSON");
                }
            }
        }
        return new ImageOptions(size, ImageNormalization.NONE, false, classNames(model), ImageOptions.DEFAULT.threads());
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
