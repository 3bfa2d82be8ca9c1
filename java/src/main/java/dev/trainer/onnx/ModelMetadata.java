package dev.trainer.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.ModelException;
import java.util.Arrays;
import java.util.List;

/** The {@code trainer.*} keys an exported model's {@code metadata_props} carry, and reading them back. */
public final class ModelMetadata {

    /** The class names (a JSON array, by id) when the labels were names. */
    public static final String CLASS_NAMES = "trainer.class_names";
    /** The version of trainer that exported the model. */
    public static final String VERSION = "trainer.version";
    /** SHA-256 of the model file it was fine-tuned from. */
    public static final String BASE_MODEL_SHA256 = "trainer.base_model_sha256";
    /** SHA-256 of the training data file. */
    public static final String TRAIN_DATA_SHA256 = "trainer.train_data_sha256";
    /** The run's configuration, as run.json holds it. */
    public static final String CONFIG = "trainer.config";
    /**
     * How images became the model's input (a JSON object: channels, height, width, resize,
     * scale, mean, std), for a service to repeat; the exported model takes [0, 1] pixels, its
     * first nodes doing the normalization.
     */
    public static final String IMAGE_PREPROCESSING = "trainer.image_preprocessing";

    private ModelMetadata() {
    }

    /** The value of a metadata key, or {@code null}. */
    public static String value(OnnxModel model, String key) {
        return model.proto().getMetadataPropsList().stream().filter(p -> p.getKey().equals(key)).map(p -> p.getValue())
                .findFirst().orElse(null);
    }

    /**
     * The {@code {height, width}} images were resized to for the fine-tune, or {@code null} when
     * the model was not fine-tuned on images.
     *
     * @throws ModelException when the entry is not a JSON object with a height and a width
     */
    public static int[] imageSize(OnnxModel model) {
        String json = value(model, IMAGE_PREPROCESSING);
        if (json == null) {
            return null;
        }
        try {
            var recorded = new ObjectMapper().readTree(json);
            int height = recorded.path("height").asInt();
            int width = recorded.path("width").asInt();
            if (height > 0 && width > 0) {
                return new int[] {height, width};
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new ModelException("model metadata " + IMAGE_PREPROCESSING + " is not a JSON object with a height and"
                + " a width");
    }

    /**
     * The class names a fine-tune recorded, or {@code null} when it recorded none.
     *
     * @throws ModelException when the entry is not a JSON list of names
     */
    public static List<String> classNames(OnnxModel model) {
        String json = value(model, CLASS_NAMES);
        if (json == null) {
            return null;
        }
        try {
            return Arrays.asList(new ObjectMapper().readValue(json, String[].class));
        } catch (JsonProcessingException e) {
            throw new ModelException("model metadata " + CLASS_NAMES + " is not a JSON list of names");
        }
    }
}
