package dev.trainer.train;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.DataException;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.ValueType;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.TrainingSession;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fine-tune run: checks every input before it writes anything, trains, evaluates each epoch,
 * and writes {@code model.onnx}, {@code run.json} and {@code metrics.jsonl} into the run folder.
 */
public final class FineTune {

    private final TrainConfig config;
    private final Kernels kernels;
    private final PrintStream log;

    public FineTune(TrainConfig config, Kernels kernels, PrintStream log) {
        this.config = config;
        this.kernels = kernels;
        this.log = log;
    }

    /**
     * Runs the whole job.
     *
     * @throws ModelException, DataException, IllegalArgumentException for bad input, before any output is written
     * @throws TrainingFailedException when training itself goes wrong (the loss diverges)
     */
    public RunResult run() {
        requireEmptyOutDir(config.outDir());
        Instant started = Instant.now();
        OnnxModel model = OnnxModel.load(config.model());
        String output = config.output() != null ? config.output() : model.proto().getGraph().getOutput(0).getName();
        List<String> trainable = TrainableParameters.of(model);
        if (trainable.isEmpty()) {
            throw new ModelException("model has no float initializers to train: " + config.model());
        }
        try (TrainingSession session = TrainingSession.open(model, trainable, output);
             Optimizer optimizer = new Optimizer(config.optimizer(), kernels, session.parameters().length(),
                     config.weightDecay(), config.momentum());
             Arena arena = Arena.ofConfined()) {
            Dataset train = read(config.train(), session);
            Dataset validation = config.validation() == null ? null : read(config.validation(), session);
            log.printf("trainer: %d trainable parameters in %d tensors, %d training samples%s%n",
                    session.parameters().parameterCount(), trainable.size(), train.size(),
                    validation == null ? "" : ", " + validation.size() + " validation samples");
            createOutDir(config.outDir());
            RunRecord record = new RunRecord(config, model, session, train, validation, started);
            LossFunction loss = Losses.of(config.loss(), kernels);
            BatchAssembler assembler = new BatchAssembler(train, config.batchSize(), arena);
            if (validation != null) {
                Evaluation initial = Evaluation.of(session, output, validation, config.batchSize(), config.loss(), kernels);
                log.println(epochLine(0, Double.NaN, initial, 0));
            }
            Evaluation lastValidation = null;
            double lastTrainLoss = Double.NaN;
            long step = 0;
            int epochsRun = 0;
            try (MetricsLog metrics = new MetricsLog(config.outDir().resolve("metrics.jsonl"))) {
                for (int epoch = 1; epoch <= config.epochs() && !stepLimitReached(step); epoch++) {
                    long epochStart = System.nanoTime();
                    double lossSum = 0;
                    int samples = 0;
                    for (int[] indices : BatchOrder.epochBatches(train.size(), config.batchSize(), config.shuffle(), config.seed(), epoch)) {
                        if (stepLimitReached(step)) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        Batch batch = assembler.assemble(indices);
                        double value = session.step(batch, loss);
                        step++;
                        if (!Double.isFinite(value)) {
                            metrics.step(epoch, step, value, config.learningRate(), (System.nanoTime() - t0) / 1e6);
                            throw new TrainingFailedException("the loss became " + value + " at step " + step
                                    + " (epoch " + epoch + "): the learning rate " + config.learningRate()
                                    + " is probably too high; try --lr " + config.learningRate() / 10);
                        }
                        clipGradients(session);
                        optimizer.step(session.parameters(), config.learningRate());
                        metrics.step(epoch, step, value, config.learningRate(), (System.nanoTime() - t0) / 1e6);
                        lossSum += value * batch.size();
                        samples += batch.size();
                    }
                    epochsRun = epoch;
                    lastTrainLoss = lossSum / Math.max(1, samples);
                    lastValidation = validation == null ? null
                            : Evaluation.of(session, output, validation, config.batchSize(), config.loss(), kernels);
                    metrics.epoch(epoch, lastTrainLoss, lastValidation);
                    log.println(epochLine(epoch, lastTrainLoss, lastValidation, (System.nanoTime() - epochStart) / 1e9));
                }
            }
            RunResult result = new RunResult(step, epochsRun, lastTrainLoss, lastValidation);
            Path modelFile = config.outDir().resolve("model.onnx");
            ModelExport.write(model, session.parameters(), record.modelMetadata(), modelFile);
            record.write(config.outDir().resolve("run.json"), result, Instant.now());
            if (lastValidation != null && !Double.isNaN(lastValidation.accuracy())) {
                log.printf("validation accuracy: %.2f%% (%d samples)%n", 100 * lastValidation.accuracy(), lastValidation.samples());
            } else if (lastValidation != null) {
                log.printf("validation loss: %.6f (%d samples)%n", lastValidation.loss(), lastValidation.samples());
            }
            log.println("fine-tuned model: " + modelFile);
            return result;
        }
    }

    private boolean stepLimitReached(long step) {
        return config.maxSteps() > 0 && step >= config.maxSteps();
    }

    private void clipGradients(TrainingSession session) {
        if (config.maxGradNorm() <= 0) {
            return;
        }
        var p = session.parameters();
        double norm = Math.sqrt(kernels.sumOfSquares(p.gradients(), p.length()));
        if (norm > config.maxGradNorm()) {
            kernels.scale(p.gradients(), p.length(), (float) (config.maxGradNorm() / norm));
        }
    }

    private Dataset read(Path file, TrainingSession session) {
        Dataset data = Datasets.read(file, session.inputs(), config.loss().task(), config.labelColumn());
        requireLabelsFit(data, session.outputType(), file);
        return data;
    }

    /** Class ids must index the output's classes; regression targets must match its size per sample. */
    public static void requireLabelsFit(Dataset data, ValueType outputType, Path file) {
        long perSample = 1;
        for (int a = 1; a < outputType.rank(); a++) {
            perSample = outputType.dim(a) < 0 ? -1 : perSample * outputType.dim(a);
        }
        var labels = data.labels();
        if (labels.task() == dev.trainer.data.Task.CLASSIFICATION) {
            if (perSample < 0) {
                throw new ModelException("the output's class count is not static: " + outputType.shapeString());
            }
            for (int i = 0; i < labels.classes().length; i++) {
                if (labels.classes()[i] >= perSample) {
                    throw new DataException(file + ": label " + labels.classes()[i] + " of sample " + (i + 1)
                            + " is out of range for the model's " + perSample + " classes");
                }
            }
        } else if (perSample >= 0 && labels.sampleSize() != perSample) {
            throw new DataException(file + ": " + labels.sampleSize() + " target values per sample, but the model outputs "
                    + perSample);
        }
    }

    private static String epochLine(int epoch, double trainLoss, Evaluation validation, double seconds) {
        StringBuilder s = new StringBuilder(epoch == 0 ? "before fine-tuning"
                : String.format("epoch %3d  train_loss %.4f", epoch, trainLoss));
        if (validation != null) {
            s.append(String.format("  val_loss %.4f", validation.loss()));
            if (!Double.isNaN(validation.accuracy())) {
                s.append(String.format("  val_accuracy %.4f", validation.accuracy()));
            }
        }
        return epoch == 0 ? s.toString() : s.append(String.format("  (%.1f s)", seconds)).toString();
    }

    static void requireEmptyOutDir(Path dir) {
        if (Files.isRegularFile(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " exists and is not empty; choose a new folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir, e);
            }
        }
    }

    private static void createOutDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create --out " + dir + ": " + e.getMessage());
        }
    }

    /** What a run achieved. */
    public record RunResult(long steps, int epochs, double trainLoss, Evaluation validation) {
    }
}
