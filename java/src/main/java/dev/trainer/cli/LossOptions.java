package dev.trainer.cli;

import dev.trainer.config.LossKind;
import picocli.CommandLine.Option;

/** What the loss reads and how: the options fine-tune and evaluate share. */
final class LossOptions {

    @Option(names = "--loss", paramLabel = "KIND", defaultValue = "cross-entropy", converter = Converters.Loss.class,
            description = "cross-entropy (classes) or mse (values) (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--output", paramLabel = "NAME", description = "The model output the loss reads (default: the first).")
    String output;
}
