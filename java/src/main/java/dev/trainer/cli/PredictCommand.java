package dev.trainer.cli;

import dev.trainer.Data;
import dev.trainer.Prediction;
import dev.trainer.Predictions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a model over data and writes its outputs.",
                "P.npz: one array per model output. P.csv: the first output's values per row,",
                "with the argmax class in a 'prediction' column when it has several values per sample",
                "(and its name, when the model records class names); images are named in a 'file' column."})
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ModelDataOptions input;

    @Option(names = "--out", required = true, paramLabel = "P.csv|P.npz")
    Path out;

    @Override
    public Integer call() {
        Predictions.requireWritable(out);
        try (Prediction model = Prediction.open(input.model, input.text.toConfig(), input.images.toConfig(),
                input.batchSize)) {
            Predictions predictions = model.predict(Data.file(input.data));
            predictions.write(out);
            System.out.printf("wrote %d predictions to %s%n", predictions.samples(), out);
        }
        return ExitCode.OK;
    }
}
