package dev.trainer.cli;

import dev.trainer.data.Samples;
import dev.trainer.train.DataFiles;
import dev.trainer.train.TextSettings;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import dev.trainer.train.Evaluation;
import dev.trainer.train.LossKind;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints a model's loss (and accuracy, for classes) on labelled data.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M.onnx")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Labelled data: .csv, .npz or .jsonl.")
    Path data;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "Tokenizer for .jsonl (default: beside the model).")
    Path tokenizer;

    @Option(names = "--max-length", defaultValue = "128", paramLabel = "L")
    int maxLength;

    @Option(names = "--loss", defaultValue = "cross-entropy", converter = Converters.Loss.class,
            description = "cross-entropy or mse (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--output", paramLabel = "NAME", description = "The model output to score (default: the first).")
    String output;

    @Option(names = "--label-column", defaultValue = "label")
    String labelColumn;

    @Option(names = "--batch-size", defaultValue = "256")
    int batchSize;

    @Override
    public Integer call() {
        OnnxModel onnx = OnnxModel.load(model);
        String name = output != null ? output : onnx.proto().getGraph().getOutput(0).getName();
        try (InferenceSession session = new InferenceSession(onnx)) {
            Samples dataset = DataFiles.read(data, model, onnx, session.inputs(), loss.task(), labelColumn, true,
                    new TextSettings(tokenizer, maxLength));
            dev.trainer.train.FineTune.requireLabelsFit(dataset, session.type(name), data);
            Evaluation e = Evaluation.of(session, name, dataset, batchSize, loss, NativeKernels.instance());
            System.out.printf("samples %d%nloss %.6f%n", e.samples(), e.loss());
            if (!Double.isNaN(e.accuracy())) {
                System.out.printf("accuracy %.4f%n", e.accuracy());
            }
        }
        return ExitCode.OK;
    }
}
