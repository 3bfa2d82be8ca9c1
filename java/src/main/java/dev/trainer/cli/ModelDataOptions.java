package dev.trainer.cli;

import dev.trainer.data.InputSpec;
import dev.trainer.data.Samples;
import dev.trainer.data.Task;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.train.DataFiles;
import dev.trainer.train.TextSettings;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** A trained model and the data to run it on: the options evaluate and predict share. */
final class ModelDataOptions {

    @Option(names = "--model", required = true, paramLabel = "M.onnx")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Data: .csv, .npz, .jsonl (text) or an image folder.")
    Path data;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "Tokenizer for .jsonl (default: beside the model).")
    Path tokenizer;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "L", description = "Longest token sequence kept (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--label-column", defaultValue = "label", description = "CSV column holding the labels (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--batch-size", defaultValue = "256", description = "Samples per run (default: ${DEFAULT-VALUE}).")
    int batchSize;

    OnnxModel loadModel() {
        return OnnxModel.load(model);
    }

    Samples read(OnnxModel onnx, List<InputSpec> inputs, Task task, boolean labelsRequired) {
        return DataFiles.read(data, model, onnx, inputs, task, labelColumn, labelsRequired, new TextSettings(tokenizer, maxLength));
    }
}
