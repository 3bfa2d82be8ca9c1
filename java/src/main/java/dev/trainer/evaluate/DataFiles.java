package dev.trainer.evaluate;

import dev.trainer.config.ImageConfig;
import dev.trainer.config.ImageSize;
import dev.trainer.config.TextConfig;
import dev.trainer.data.Datasets;
import dev.trainer.data.ImageOptions;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.Samples;
import dev.trainer.data.TextTokenizer;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.PositionTable;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads data for an already trained model (evaluate, predict): text is tokenized with the model's
 * tokenizer, images are sized as the model was trained on them, and class names are the ones the
 * model was trained with, from its metadata.
 */
public final class DataFiles {

    private DataFiles() {
    }

    /**
     * @param modelFile where the model lies, beside which its tokenizer is looked for
     * @param labelling where the labels are and whether they must be there
     * @param images    how images become inputs; a size not given is the one the model's fine-tune
     *                  recorded, and a normalization it baked into the model is not repeated
     */
    public static Samples read(Path data, Path modelFile, OnnxModel model, List<InputSpec> inputs, Labelling labelling,
                               TextConfig text, ImageConfig images) {
        ImageOptions imageOptions = new ImageOptions(sized(images, model), ModelMetadata.classNames(model));
        if (!Datasets.holdsText(data)) {
            return Datasets.read(data, inputs, labelling, null, imageOptions);
        }
        PositionTable.requireFits(model, text.maxLength());
        try (TextTokenizer tokenizer = TextTokenizer.forModel(text, modelFile)) {
            return Datasets.read(data, inputs, labelling, new Datasets.TextOptions(tokenizer, ModelMetadata.classNames(model)),
                    imageOptions);
        }
    }

    /** The settings with the fine-tune's image size when none is given. */
    private static ImageConfig sized(ImageConfig images, OnnxModel model) {
        int[] recorded = ModelMetadata.imageSize(model);
        if (images.size() != null || recorded == null) {
            return images;
        }
        return new ImageConfig(new ImageSize(recorded[0], recorded[1]), images.normalization(), images.skipBadImages(),
                images.decodeThreads());
    }
}
