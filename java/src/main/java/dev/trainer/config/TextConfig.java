package dev.trainer.config;

import java.nio.file.Path;

/**
 * How text (.jsonl) data is tokenized: the model's HuggingFace {@code tokenizer.json}, found beside
 * the model unless given, and the longest sequence kept.
 *
 * @param tokenizer the tokenizer file ({@code --tokenizer}), or {@code null} for {@code tokenizer.json} beside the model
 * @param maxLength the longest token sequence kept ({@code --max-length}); longer texts are truncated
 */
public record TextConfig(Path tokenizer, int maxLength) {

    /** The tokenizer beside the model, 128 tokens. */
    public static final TextConfig DEFAULT = new TextConfig(null, 128);

    /** @throws IllegalArgumentException for a max length below 2 */
    public TextConfig {
        if (maxLength < 2) {
            throw new IllegalArgumentException("--max-length must be at least 2, got " + maxLength);
        }
    }

    /** The tokenizer file for a model: the one given, or {@code tokenizer.json} beside the model. */
    public Path tokenizerFile(Path model) {
        return tokenizer != null ? tokenizer : model.toAbsolutePath().resolveSibling("tokenizer.json");
    }
}
