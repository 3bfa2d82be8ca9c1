package dev.trainer.cli;

import dev.trainer.FineTuning;
import dev.trainer.config.RunConfig;
import dev.trainer.distributed.Collectives;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fine-tune", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "trainer fine-tune --model M.onnx --train DATA --out DIR [--val DATA] [options]",
        description = {"Fine-tunes an ONNX model on labelled data; writes DIR/model.onnx, DIR/run.json, DIR/metrics.jsonl",
                "and checkpoints (Ctrl-C writes one and stops; trainer resume DIR goes on)."})
final class FineTuneCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder; must not exist or be empty.", order = 0)
    Path out;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() {
        RunConfig config = options.toConfig();
        try (Interruptions interruptions = new Interruptions(
                Collectives.joinsSeveralRanks(config.runtime().distributed(), System.getenv()))) {
            return RunEnding.exitCode(FineTuning.of(config).console().listener(interruptions).run(out),
                    interruptions, out);
        }
    }
}
