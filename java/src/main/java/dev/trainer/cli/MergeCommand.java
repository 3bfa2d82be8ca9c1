package dev.trainer.cli;

import dev.trainer.Adapters;
import dev.trainer.evaluate.OutputPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merges LoRA adapters (a run's adapters.onnx) into the base model they were trained on.")
final class MergeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "BASE.onnx", description = "The model the run fine-tuned.")
    Path model;

    @Option(names = "--adapters", required = true, paramLabel = "ADAPTERS.onnx",
            description = "The adapters: DIR/adapters.onnx of a run with --lora and --export-adapters.")
    Path adapters;

    @Option(names = "--out", required = true, paramLabel = "M.onnx", description = "The merged model, written atomically.")
    Path out;

    @Override
    public Integer call() {
        OutputPaths.requireWritableFile("--out", out);
        Adapters.merge(model, adapters, out);
        System.out.println("merged model: " + out);
        return ExitCode.OK;
    }
}
