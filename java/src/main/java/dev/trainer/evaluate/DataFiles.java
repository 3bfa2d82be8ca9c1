package dev.trainer.evaluate;

import dev.trainer.config.DataConfig;
import dev.trainer.config.TextConfig;
import dev.trainer.data.Datasets;
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
 * tokenizer and its class names are the ones the model was trained with, from its metadata.
 */
public final class DataFiles {

    private DataFiles() {
    }

    /**
     * @param modelFile where the model lies, beside which its tokenizer is looked for
     * @param labelling where the labels are and whether they must be there
     */
    public static Samples read(Path data, Path modelFile, OnnxModel model, List<InputSpec> inputs, Labelling labelling,
                               TextConfig text) {
        if (!DataConfig.isText(data)) {
            return Datasets.read(data, inputs, labelling, null);
        }
        PositionTable.requireFits(model, text.maxLength());
        try (TextTokenizer tokenizer = TextTokenizer.forModel(text, modelFile)) {
            return Datasets.read(data, inputs, labelling, new Datasets.TextOptions(tokenizer, ModelMetadata.classNames(model)));
        }
    }
}
