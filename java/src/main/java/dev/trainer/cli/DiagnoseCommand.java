package dev.trainer.cli;

import dev.trainer.Runs;
import dev.trainer.evaluate.OutputPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Names what went wrong in a run, with the evidence and the flags to try.",
                "Reads the run's metrics: overfitting, underfitting, divergence, stagnation,",
                "dead or vanishing gradients, class collapse."})
final class DiagnoseCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "A fine-tune run folder (holding metrics.jsonl).")
    Path runDir;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the run's curves into this file.")
    Path plot;

    @Override
    public Integer call() {
        if (plot != null) {
            OutputPaths.requireWritableFile("--plot", plot);
        }
        System.out.println(Runs.diagnose(runDir).render());
        if (plot != null) {
            Runs.plot(runDir, plot);
            System.out.println("plot: " + plot);
        }
        return ExitCode.OK;
    }
}
