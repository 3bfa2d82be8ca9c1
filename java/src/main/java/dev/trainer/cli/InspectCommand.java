package dev.trainer.cli;

import dev.trainer.Inspection;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Shows a model's inputs, outputs, parameters, ops, shared initializers and random ops, and whether trainer can train it.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "M.onnx")
    Path model;

    @Override
    public Integer call() {
        System.out.print(Inspection.of(model).report());
        return ExitCode.OK;
    }
}
