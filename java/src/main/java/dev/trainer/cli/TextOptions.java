package dev.trainer.cli;

import dev.trainer.config.TextConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How .jsonl text is tokenized: the options every command that reads data shares. */
final class TextOptions {

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "HuggingFace tokenizer for .jsonl text (default: tokenizer.json beside the model).")
    Path tokenizer;

    @Option(names = "--max-length", paramLabel = "L",
            description = "Longest token sequence kept; longer texts are truncated (default: ${DEFAULT-VALUE}).")
    int maxLength = TextConfig.DEFAULT.maxLength();

    TextConfig toConfig() {
        return new TextConfig(tokenizer, maxLength);
    }
}
