package dev.trainer.train;

import dev.trainer.data.DataException;
import dev.trainer.data.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How text (.jsonl, or .csv/.tsv with a text column) data is tokenized: the model's HuggingFace {@code tokenizer.json}, found beside
 * the model unless given, and the longest sequence kept.
 *
 * @param tokenizer the tokenizer file, or {@code null} for {@code tokenizer.json} beside the model
 */
public record TextSettings(Path tokenizer, int maxLength) {

    public static final TextSettings DEFAULT = new TextSettings(null, TextTokenizer.DEFAULT_MAX_LENGTH);

    public TextSettings {
        if (maxLength < 2) {
            throw new IllegalArgumentException("--max-length must be at least 2, got " + maxLength);
        }
    }

    /** Whether a data file holds text: JSONL, or CSV/TSV with a {@code text} column. */
    public static boolean isText(Path data) {
        return data != null && dev.trainer.data.Datasets.holdsText(data);
    }

    /** The tokenizer file for a model. */
    public Path file(Path model) {
        return tokenizer != null ? tokenizer : model.toAbsolutePath().resolveSibling("tokenizer.json");
    }

    /** Loads the tokenizer for a model; the caller closes it. */
    public TextTokenizer load(Path model) {
        Path file = file(model);
        if (!Files.isRegularFile(file)) {
            throw new DataException(tokenizer != null ? "tokenizer not found: " + file
                    : "text data needs the model's tokenizer: no tokenizer.json beside " + model + "; give --tokenizer PATH");
        }
        return TextTokenizer.load(file, maxLength);
    }
}
