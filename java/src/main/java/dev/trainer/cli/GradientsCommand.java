package dev.trainer.cli;

import dev.trainer.FineTuning;
import dev.trainer.Gradients;
import dev.trainer.config.DataConfig;
import dev.trainer.config.LossConfig;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gradients", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes every trainable parameter's gradient for one batch (all of --data).",
                "As fine-tune's first step computes it, Dropout inactive. G.npz holds one",
                "float32 array per parameter, 'trainer:loss', 'trainer:output' (the output",
                "the loss read) and 'trainer:output:NAME' (flat) per other float output."})
final class GradientsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M.onnx")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DATA", description = "Labelled data: .csv, .npz or .jsonl; one batch.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "G.npz")
    Path out;

    @Mixin
    LossOptions loss;

    @Mixin
    LabelOptions labels;

    @Mixin
    TextOptions text;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime threads per op (0: one per core).")
    int threads;

    @Option(names = "--recompute", paramLabel = "none|segments", converter = Converters.Recompute.class,
            description = "As fine-tune's: segments computes the same gradients holding less memory.")
    RecomputeMode recompute = RuntimeConfig.DEFAULT.recompute();

    @Mixin
    GraphTrapSection traps;

    @Override
    public Integer call() {
        Gradients.requireWritable(out);
        Gradients gradients = FineTuning.of(config()).console().gradients();
        gradients.write(out);
        System.out.printf("loss %.8f%nwrote the gradients of %d parameters to %s%n", gradients.loss(),
                gradients.parameters().size(), out);
        return ExitCode.OK;
    }

    private RunConfig config() {
        return RunConfig.defaults(model)
                .with(new ModelConfig(model, loss.output, null, 0, false, traps.toConfig()))
                .with(new DataConfig(data, null, 0, labels.labelColumn, null, null))
                .with(text.toConfig())
                .with(new LossConfig(loss.loss, 0))
                .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), threads).with(recompute));
    }
}
