package dev.trainer.cli;

import dev.trainer.kernels.NativeKernels;
import dev.trainer.train.FineTune;
import dev.trainer.train.LossKind;
import dev.trainer.train.OptimizerKind;
import dev.trainer.train.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "fine-tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fine-tunes an ONNX model on labelled data; writes DIR/model.onnx, DIR/run.json, DIR/metrics.jsonl.")
final class FineTuneCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M.onnx", description = "The ONNX model to fine-tune.")
    Path model;

    @Option(names = "--train", required = true, paramLabel = "DATA", description = "Training data: .csv or .npz.")
    Path train;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder; must not exist or be empty.")
    Path out;

    @Option(names = "--val", paramLabel = "DATA", description = "Validation data, evaluated after every epoch.")
    Path validation;

    @Option(names = "--epochs", defaultValue = "5", description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Samples per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", converter = Converters.Optimizer.class,
            description = "sgd, momentum, adam or adamw (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "Momentum of --optimizer momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay (L2 for sgd/adam, decoupled for adamw).")
    double weightDecay;

    @Option(names = "--max-grad-norm", defaultValue = "0", description = "Clip the global gradient norm to this (0: off).")
    double maxGradNorm;

    @Option(names = "--no-shuffle", description = "Keep the data's order in every epoch.")
    boolean noShuffle;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many steps (0: no limit).")
    long maxSteps;

    @Option(names = "--loss", defaultValue = "cross-entropy", converter = Converters.Loss.class,
            description = "cross-entropy (classes) or mse (values) (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--output", paramLabel = "NAME", description = "The model output the loss reads (default: the first).")
    String output;

    @Option(names = "--label-column", defaultValue = "label", description = "CSV column holding the labels (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Override
    public Integer call() {
        TrainConfig config = new TrainConfig(model, train, validation, out, epochs, batchSize, lr, optimizer, weightDecay,
                momentum, maxGradNorm, !noShuffle, seed, maxSteps, loss, output, labelColumn);
        new FineTune(config, NativeKernels.instance(), System.out).run();
        return ExitCode.OK;
    }
}
