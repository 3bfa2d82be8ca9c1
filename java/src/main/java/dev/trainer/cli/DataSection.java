package dev.trainer.cli;

import dev.trainer.config.DataConfig;
import dev.trainer.config.NormalizeMethod;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The model, the data and what the loss reads. */
final class DataSection implements OptionSection {

    @Option(names = "--model", required = true, paramLabel = "M.onnx", description = "The ONNX model to fine-tune.")
    Path model;

    @Option(names = "--train", required = true, paramLabel = "DATA", description = "Training data: .csv, .npz, .jsonl (text) or an image folder.")
    Path train;

    @Option(names = "--val", paramLabel = "DATA", description = "Validation data, evaluated after every epoch.")
    Path validation;

    @Option(names = "--val-split", paramLabel = "F",
            description = "Hold out this fraction of --train (stratified) for validation when there is no --val.")
    double valSplit;

    @Mixin
    LossOptions loss;

    @Mixin
    LabelOptions labels;

    @Option(names = "--sample-weights", paramLabel = "NAME",
            description = "Weight each sample's loss by this CSV column, NPZ array or JSONL field (cross-entropy).")
    String sampleWeights;

    @Option(names = "--normalize", paramLabel = "standard|minmax", converter = Converters.Normalize.class,
            description = "Scale float features with training-split statistics, baked into the exported model.")
    NormalizeMethod normalize;

    @Override
    public String heading() {
        return "Model and data";
    }

    DataConfig toConfig() {
        return new DataConfig(train, validation, valSplit, labels.labelColumn, sampleWeights, normalize);
    }
}
