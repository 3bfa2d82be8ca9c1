package dev.trainer.cli;

import dev.trainer.FineTuning;
import dev.trainer.LearningRateFinding;
import dev.trainer.evaluate.OutputPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "lr-find", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "trainer lr-find --model M.onnx --train DATA [--plot FILE.png] [options]",
        description = {"Runs the learning-rate range test and suggests a learning rate.",
                "Trains with an exponentially growing learning rate, plots the smoothed loss against it,",
                "and prints the suggestion with its reasoning."})
final class LrFindCommand implements Callable<Integer> {

    @Option(names = "--plot", defaultValue = "lr-find.png", paramLabel = "FILE.png", description = "Where to draw the curve (default: ${DEFAULT-VALUE}).", order = 0)
    Path plot;

    @Option(names = "--steps", defaultValue = "100", description = "Steps of the test (default: ${DEFAULT-VALUE}).", order = 0)
    int steps;

    @Option(names = "--min-lr", defaultValue = "1e-7", order = 0)
    double minLr;

    @Option(names = "--max-lr", defaultValue = "10", order = 0)
    double maxLr;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() {
        if (!plot.getFileName().toString().endsWith(".png")) {
            throw new IllegalArgumentException("--plot must name a .png file: " + plot);
        }
        OutputPaths.requireWritableFile("--plot", plot);
        if (steps < 10) {
            throw new IllegalArgumentException("--steps must be at least 10, got " + steps);
        }
        if (!(minLr > 0 && minLr < maxLr) || Double.isInfinite(maxLr)) {
            throw new IllegalArgumentException("--min-lr " + minLr + " and --max-lr " + maxLr
                    + ": the range test needs 0 < --min-lr < --max-lr");
        }
        LearningRateFinding finding = FineTuning.of(options.toConfig()).console().findLearningRate(minLr, maxLr, steps);
        System.out.println(finding.reasoning());
        finding.writePlot(plot);
        System.out.printf("suggested --lr %.3g%nplot: %s%n", finding.suggestedLr(), plot);
        return ExitCode.OK;
    }
}
