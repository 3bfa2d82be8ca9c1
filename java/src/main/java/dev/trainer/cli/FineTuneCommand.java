package dev.trainer.cli;

import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.Device;
import dev.trainer.train.FineTune;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fine-tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fine-tunes an ONNX model on labelled data; writes DIR/model.onnx, DIR/run.json, DIR/metrics.jsonl.")
final class FineTuneCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder; must not exist or be empty.", order = 0)
    Path out;

    @Mixin
    TrainingOptions options;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda[:N]",
            description = "Where to train (default: ${DEFAULT-VALUE}); cuda needs an NVIDIA GPU with CUDA 13, cuDNN 9"
                    + " and the GPU build of ONNX Runtime (docs/gpu.md).")
    String device;

    @Override
    public Integer call() {
        Device target = Device.parse(device);
        if (target.isCuda()) {
            String name = target.requireAvailable();
            throw new IllegalArgumentException("--device " + target + " (" + name + "): training on a GPU is not part of"
                    + " fine-tune yet; scripts/gpu/check runs the CUDA training session (docs/gpu.md)");
        }
        new FineTune(options.toConfig(out), NativeKernels.instance(), System.out).run();
        return ExitCode.OK;
    }
}
