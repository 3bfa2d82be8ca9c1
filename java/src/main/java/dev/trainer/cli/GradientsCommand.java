package dev.trainer.cli;

import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.train.GradientDump;
import dev.trainer.train.LossKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gradients", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the gradient of the loss on one batch (all of --data) for every trainable parameter,",
                "as fine-tune's first step computes it in eval mode, to an .npz: one float32 array per parameter,",
                "plus '" + GradientDump.LOSS_KEY + "', '" + GradientDump.OUTPUT_KEY + "' (the output the loss read) and, flattened,",
                "'" + GradientDump.OTHER_OUTPUT_PREFIX + "NAME' for each other float output."})
final class GradientsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M.onnx")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Labelled data: .csv, .npz or .jsonl; one batch.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "G.npz")
    Path out;

    @Option(names = "--loss", defaultValue = "cross-entropy", converter = Converters.Loss.class,
            description = "cross-entropy or mse (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--output", paramLabel = "NAME", description = "The model output the loss reads (default: the first).")
    String output;

    @Option(names = "--label-column", defaultValue = "label", description = "CSV column holding the labels (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "ONNX Runtime threads per op (0: one per core).")
    int threads;

    @Mixin
    GraphTrapOptions traps;

    @Override
    public Integer call() {
        if (!out.getFileName().toString().endsWith(".npz")) {
            throw new IllegalArgumentException("--out must end in .npz: " + out);
        }
        if (!Files.isDirectory(out.toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--out names a folder that does not exist: " + out.toAbsolutePath().getParent());
        }
        GradientDump dump = GradientDump.compute(OnnxModel.load(model), model, data,
                new GradientDump.Settings(loss, output, labelColumn, threads, traps.toTraps()), NativeKernels.instance(), System.err);
        dump.write(out);
        System.out.printf("loss %.8f%nwrote the gradients of %d parameters to %s%n", dump.loss(), dump.gradients().size(), out);
        return ExitCode.OK;
    }
}
