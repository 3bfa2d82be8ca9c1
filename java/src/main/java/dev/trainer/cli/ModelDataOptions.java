package dev.trainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A trained model and the data to run it on: the options evaluate and predict share. */
final class ModelDataOptions {

    @Option(names = "--model", required = true, paramLabel = "M.onnx")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Data: .csv, .npz, .jsonl (text) or an image folder.")
    Path data;

    @Option(names = "--batch-size", defaultValue = "256", description = "Samples per run (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    LabelOptions labels;

    @Mixin
    TextOptions text;

    @Mixin
    ImageSection images;
}
