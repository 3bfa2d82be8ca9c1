package dev.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainer.config.RunConfig;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Samples;
import dev.trainer.data.Split;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.events.Scores;
import dev.trainer.events.TrainingListener;
import dev.trainer.io.AtomicFile;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.ModelInputs;
import dev.trainer.runtime.ShapeInference;
import dev.trainer.train.loop.Listeners;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.step.TrainingModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * K-fold cross-validation: K fine-tunes of the same model, each validated on one stratified fold
 * and trained on the rest, into {@code DIR/fold-k}; the per-fold metrics, their mean and standard
 * deviation go to {@code DIR/cv.json} and to the listeners as a table, and a spread large enough to
 * distrust a single split is flagged.
 *
 * <p>The folds are independent runs: in a job of N ranks, fold k runs alone on rank (k - 1) mod N
 * and writes its own folder, the ranks' results are summed into one table (each fold's figures
 * come from one rank, zeros from the others), and rank 0 writes {@code cv.json}. Only rank 0's
 * folds are told to the listeners.
 */
public final class CrossValidation {

    /** A standard deviation of validation accuracy above this (absolute) is called large. */
    static final double LARGE_ACCURACY_SPREAD = 0.03;
    /** A standard deviation of validation loss above this fraction of its mean is called large. */
    static final double LARGE_LOSS_SPREAD = 0.15;

    private CrossValidation() {
    }

    /** Per fold validation loss and accuracy (NaN for regression), and the summary. */
    public record Result(List<Double> losses, List<Double> accuracies, double meanLoss, double stdLoss,
                         double meanAccuracy, double stdAccuracy, boolean largeSpread) {
    }

    /**
     * Runs the folds into {@code outDir/fold-k}, this rank's share of them in a job; each fold's
     * events go to the listeners (on rank 0), and the summary to {@code outDir/cv.json}.
     *
     * @param data  the samples to fold, or {@code null} for the configured training file
     * @param ranks the job: a single process runs every fold
     */
    public static Result run(RunConfig config, Path outDir, int folds, Kernels kernels, List<TrainingListener> listeners,
                             SampleSource data, Collective ranks) {
        Folds prepared = null;
        RuntimeException failure = null;
        try {
            prepared = folds(config, outDir, folds, data);
        } catch (RuntimeException e) {
            failure = e;
        }
        DistributedJob.agree(ranks, failure);
        List<TrainingListener> told = ranks.rank() == 0 ? listeners : List.of();
        Listeners console = new Listeners(told);
        if (ranks.size() > 1) {
            console.note(String.format("%d folds over %s: fold k on rank (k - 1) mod %d; folds of other ranks run"
                    + " silently", folds, ranks.description(), ranks.size()));
        }
        // each fold's loss and accuracy, filled in by the rank that runs it and summed over the ranks
        double[] scores = new double[2 * folds];
        for (int k = ranks.rank(); k < folds; k += ranks.size()) {
            console.note(String.format("%n== fold %d of %d ==", k + 1, folds));
            Samples all = prepared.all();
            Split fold = prepared.splits().get(k);
            Scores validation = new FineTuneRun(config, outDir.resolve("fold-" + (k + 1)), kernels, told,
                    (i, o) -> fold.trainSet(all), (i, o) -> fold.validationSet(all), new SingleProcess())
                    .run().outcome().validation();
            scores[k] = validation.loss();
            scores[folds + k] = validation.accuracy();
        }
        ranks.allReduceSum(scores);
        Result result = summarize(scores, folds);
        if (ranks.rank() == 0) {
            write(outDir.resolve("cv.json"), result);
            console.note("\n" + summary(result).stripTrailing());
        }
        return result;
    }

    /** The samples and their stratified folds. */
    private record Folds(Samples all, List<Split> splits) {
    }

    /** The samples to fold and their folds, once every input has been checked. */
    private static Folds folds(RunConfig config, Path outDir, int folds, SampleSource data) {
        if (config.data().validation() != null || config.data().valSplit() > 0) {
            throw new IllegalArgumentException("cv makes its own validation folds; drop --val and --val-split");
        }
        RunFolder.requireEmpty(outDir);
        TrainingModel model = TrainingModel.of(config);
        Map<String, ValueType> types = ShapeInference.infer(model.trained());
        List<InputSpec> inputs = ModelInputs.of(model.trained(), types);
        ValueType outputType = types.get(model.output());
        Samples all = data != null ? data.samples(inputs, outputType) : PreparedData.readTrain(config, inputs, outputType);
        return new Folds(all, Split.kFold(all, folds, config.loop().seed()));
    }

    /** The folds' losses and accuracies (in {@code scores}: all losses, then all accuracies), their mean and spread. */
    private static Result summarize(double[] scores, int folds) {
        List<Double> losses = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        for (int k = 0; k < folds; k++) {
            losses.add(scores[k]);
            accuracies.add(scores[folds + k]);
        }
        double meanLoss = mean(losses);
        double meanAccuracy = mean(accuracies);
        double stdLoss = std(losses, meanLoss);
        double stdAccuracy = std(accuracies, meanAccuracy);
        boolean large = Double.isNaN(meanAccuracy) ? stdLoss > LARGE_LOSS_SPREAD * Math.abs(meanLoss)
                : stdAccuracy > LARGE_ACCURACY_SPREAD;
        return new Result(losses, accuracies, meanLoss, stdLoss, meanAccuracy, stdAccuracy, large);
    }

    /** The folds' table, mean and standard deviation, and a warning when they spread widely. */
    public static String summary(Result r) {
        StringBuilder s = new StringBuilder("fold  val_loss  val_accuracy\n");
        for (int k = 0; k < r.losses().size(); k++) {
            s.append(String.format("%4d  %8.4f  %12.4f%n", k + 1, r.losses().get(k), r.accuracies().get(k)));
        }
        s.append(String.format("mean  %8.4f  %12.4f%n std  %8.4f  %12.4f%n", r.meanLoss(), r.meanAccuracy(),
                r.stdLoss(), r.stdAccuracy()));
        if (r.largeSpread()) {
            s.append("the spread across folds is large: a single validation split would mislead; report the mean ± std,"
                    + " and consider more data or stronger regularization\n");
        }
        return s.toString();
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1), as usually reported for K folds. */
    private static double std(List<Double> values, double mean) {
        if (values.size() < 2) {
            return 0;
        }
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / (values.size() - 1));
    }

    private static void write(Path file, Result result) {
        AtomicFile.write(file, out -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, result));
    }
}
