package dev.trainer.cli;

import dev.trainer.config.DataConfig;
import picocli.CommandLine.Option;

/** Where a CSV file keeps its labels: shared by every command that reads labelled data. */
final class LabelOptions {

    @Option(names = "--label-column", paramLabel = "NAME", description = "CSV column holding the labels (default: ${DEFAULT-VALUE}).")
    String labelColumn = DataConfig.DEFAULT_LABEL_COLUMN;
}
