package dev.trainer.cli;

import dev.trainer.FineTuning;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cv", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "trainer cv --model M.onnx --train DATA --folds K --out DIR [options]",
        description = "K-fold cross-validation (stratified, seeded): K fine-tunes into DIR/fold-k, metrics per fold and"
                + " mean ± std in DIR/cv.json; under mpirun the folds run in parallel.")
final class CvCommand implements Callable<Integer> {

    @Option(names = "--folds", defaultValue = "5", paramLabel = "K", description = "Number of folds (default: ${DEFAULT-VALUE}).", order = 0)
    int folds;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the folds' runs; must not exist or be empty.", order = 0)
    Path out;

    @Mixin
    TrainingOptions options;

    @Override
    public Integer call() {
        if (folds < 2) {
            throw new IllegalArgumentException("--folds must be at least 2, got " + folds);
        }
        FineTuning.of(options.toConfig()).console().crossValidate(folds, out);
        return ExitCode.OK;
    }
}
