package dev.trainer.train;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchSource;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.Samples;
import dev.trainer.data.augment.Mixup;
import dev.trainer.kernels.Kernels;
import dev.trainer.monitor.Diagnosis;
import dev.trainer.monitor.LayerStatistics;
import dev.trainer.monitor.RunHistory;
import dev.trainer.monitor.RunPlot;
import dev.trainer.monitor.ValueSnapshot;
import dev.trainer.onnx.InputNormalization;
import dev.trainer.onnx.ModelException;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.params.TrainableSelection;
import dev.trainer.train.schedule.LearningRateSchedule;
import dev.trainer.train.schedule.ScheduleSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A fine-tune run: checks every input before it writes anything, trains with the configured
 * remedies (schedules, groups, freezing, imbalance handling, early stopping), and writes
 * {@code model.onnx}, {@code run.json} and {@code metrics.jsonl} into the run folder.
 */
public final class FineTune {

    private final TrainConfig config;
    private final Kernels kernels;
    private final PrintStream log;
    private final Samples givenTrain;
    private final Samples givenValidation;

    public FineTune(TrainConfig config, Kernels kernels, PrintStream log) {
        this(config, kernels, log, null, null);
    }

    /** A run on data sets already in memory (cross-validation folds) instead of the configured files. */
    public FineTune(TrainConfig config, Kernels kernels, PrintStream log, Samples train, Samples validation) {
        this.config = config;
        this.kernels = kernels;
        this.log = log;
        this.givenTrain = train;
        this.givenValidation = validation;
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
        try (Learner learner = Learner.start(config, kernels, log); Arena arena = Arena.ofConfined()) {
            TrainingSession first = learner.session();
            TrainingData data = TrainingData.prepare(config, first.inputs(), first.outputType(), givenTrain, givenValidation,
                    arena, log);
            printParameterCounts(learner.parameters(), learner.model(), "");
            createOutDir(config.outDir());
            RunRecord record = new RunRecord(config, learner.model(), first, data, givenTrain != null, started);
            return train(learner.model(), learner.output(), learner.selection(), learner, data, record, arena);
        }
    }

    private RunResult train(OnnxModel model, String output, TrainableSelection selection, Learner learner,
                            TrainingData data, RunRecord record, Arena arena) {
        TrainConfig.LoopSettings loop = config.loop();
        long totalSteps = (long) loop.epochs() * data.batchesPerEpoch(loop);
        if (loop.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, loop.maxSteps());
        }
        TrainConfig.OptimizerSettings o = config.optimizer();
        LearningRateSchedule schedule = ScheduleSpec.parse(o.schedule(), o.learningRate(), totalSteps,
                ScheduleSpec.warmupSteps(o.warmupSteps(), o.warmupRatio(), totalSteps));
        Losses.LabelledLoss labelled = Losses.labelled(config.data().loss(), kernels, data.classWeights());
        LossFunction plainLoss = Losses.of(config.data().loss(), kernels, data.classWeights());
        Mixup mixup = config.balance().mixup() > 0 ? new Mixup(config.balance().mixup(), loop.seed()) : null;
        EarlyStopping stopping = new EarlyStopping(config.stopping());
        BatchSource assembler = data.train().batches(loop.batchSize(), arena);
        Samples validation = data.validation();
        Evaluation lastValidation = null;
        double lastTrainLoss = Double.NaN;
        long step = 0;
        int epochsRun = 0;
        String stopReason = "completed " + loop.epochs() + " epochs";
        Progress progress = new Progress(System.err, Progress.interactive());
        if (validation != null) {
            Evaluation initial = evaluate(learner, output, validation);
            log.println(epochLine(0, Double.NaN, Double.NaN, initial, 0));
        }
        ValueSnapshot snapshot = null;
        Set<String> lookupTables = lookupTables(model);
        try (MetricsLog metrics = new MetricsLog(config.outDir().resolve("metrics.jsonl"));
             MixupLoss mixupLoss = new MixupLoss(labelled)) {
            training:
            for (int epoch = 1; epoch <= loop.epochs(); epoch++) {
                Optional<TrainableSelection.Unfreeze> unfreeze = selection.unfrozenAt(epoch);
                if (unfreeze.isPresent()) {
                    learner.retrain(unfreeze.get().trainable());
                    printParameterCounts(learner.parameters(), model, "epoch " + epoch + ": unfroze "
                            + unfreeze.get().groups().stream().map(g -> g.label()).toList() + "; ");
                }
                long epochStart = System.nanoTime();
                progress.startEpoch();
                TrainAccuracy accuracy = new TrainAccuracy();
                double lossSum = 0;
                int samples = 0;
                int[][] batches = data.epochBatches(loop, epoch);
                assembler.plan(epoch, batches);
                for (int b = 0; b < batches.length; b++) {
                    int[] indices = batches[b];
                    if (loop.maxSteps() > 0 && step >= loop.maxSteps()) {
                        stopReason = "reached --max-steps " + loop.maxSteps();
                        break training;
                    }
                    long t0 = System.nanoTime();
                    double lr = schedule.learningRate(step);
                    double momentum = schedule.momentum(step);
                    Batch batch = assembler.assemble(indices);
                    LossFunction loss = plainLoss;
                    if (mixup != null) {
                        mixupLoss.use(mixup.mix(batch));
                        loss = mixupLoss;
                    } else if (data.distribution() != null) {
                        loss = accuracy.counting(plainLoss);
                    }
                    double value = learner.session().step(batch, loss);
                    step++;
                    if (!Double.isFinite(value)) {
                        metrics.step(epoch, step, value, lr, momentum, (System.nanoTime() - t0) / 1e6);
                        throw new TrainingFailedException("the loss became " + value + " at step " + step
                                + " (epoch " + epoch + "): the learning rate " + lr
                                + " is probably too high; try --lr " + String.format(java.util.Locale.ROOT, "%.3g", o.learningRate() / 10)
                                + " or --max-grad-norm 1.0 (run `trainer diagnose " + config.outDir() + "`)");
                    }
                    clipGradients(learner.parameters());
                    boolean collect = loop.statsEvery() > 0 ? step % loop.statsEvery() == 0 : b == batches.length - 1;
                    if (collect) {
                        snapshot = snapshotOf(snapshot, learner.parameters());
                        snapshot.capture();
                    }
                    double penalty = learner.update(lr, momentum);
                    if (collect) {
                        metrics.event(LayerStatistics.compute(learner.parameters(), snapshot.values(), lookupTables).toEvent(step));
                    }
                    metrics.step(epoch, step, value + penalty, lr, momentum, (System.nanoTime() - t0) / 1e6);
                    lossSum += value * batch.size();
                    samples += batch.size();
                    progress.step(epoch, b + 1, batches.length, value, lr, batch.size());
                    if (validation != null && loop.evalEvery() > 0 && step % loop.evalEvery() == 0) {
                        Evaluation mid = evaluate(learner, output, validation);
                        metrics.evaluation(epoch, step, mid);
                        if (stopping.observe(mid, learner.parameters(), epoch, step)) {
                            stopReason = stopping.stopMessage();
                            epochsRun = epoch;
                            break training;
                        }
                    }
                }
                epochsRun = epoch;
                progress.endEpoch();
                lastTrainLoss = lossSum / Math.max(1, samples);
                lastValidation = validation == null ? null : evaluate(learner, output, validation);
                metrics.epoch(epoch, step, lastTrainLoss, accuracy.value(), lastValidation);
                log.println(epochLine(epoch, lastTrainLoss, accuracy.value(), lastValidation, (System.nanoTime() - epochStart) / 1e9));
                if (lastValidation != null) {
                    schedule.observe(lastValidation.loss());
                    if (loop.evalEvery() == 0 && stopping.observe(lastValidation, learner.parameters(), epoch, step)) {
                        stopReason = stopping.stopMessage();
                        break;
                    }
                }
            }
            if (stopping.best() != null) {
                metrics.restore(stopping.best().epoch(), stopping.best().step(), config.stopping().metric(),
                        stopping.bestValue());
            }
        } catch (TrainingFailedException e) {
            // the metrics are closed and complete up to the failing step: say what went wrong, then fail
            if (snapshot != null) {
                snapshot.close();
            }
            report(config.outDir(), log);
            throw e;
        }
        progress.endEpoch();
        if (snapshot != null) {
            snapshot.close();
        }
        Evaluation finalValidation = lastValidation;
        Checkpoint best = stopping.best();
        if (best != null) {
            best.restore(learner.parameters(), model);
            finalValidation = stopping.bestEvaluation();
            log.printf("restored the best checkpoint (epoch %d, step %d, %s %.4f)%n", best.epoch(), best.step(),
                    config.stopping().metric(), stopping.bestValue());
        }
        RunResult result = new RunResult(step, epochsRun, lastTrainLoss, finalValidation, stopReason,
                best == null ? 0 : best.epoch());
        log.println("stopped: " + stopReason);
        Path modelFile = export(model, learner.parameters(), data, record);
        record.write(config.outDir().resolve("run.json"), result, Instant.now());
        if (finalValidation != null && !Double.isNaN(finalValidation.accuracy())) {
            log.printf("validation accuracy: %.2f%% (%d samples)%n", 100 * finalValidation.accuracy(), finalValidation.samples());
        } else if (finalValidation != null) {
            log.printf("validation loss: %.6f (%d samples)%n", finalValidation.loss(), finalValidation.samples());
        }
        log.println("fine-tuned model: " + modelFile);
        report(config.outDir(), log);
        return result;
    }

    /**
     * Writes the fine-tuned inference model (with the normalization it was trained behind, of
     * features or of image channels, as its first nodes) and, for text, its tokenizer beside it; returns the model file.
     */
    private Path export(OnnxModel model, ParameterBuffer parameters, TrainingData data, RunRecord record) {
        Path modelFile = config.outDir().resolve("model.onnx");
        OnnxModel exported = ModelExport.trained(model, parameters, record.modelMetadata());
        for (var n : data.normalizations()) {
            exported = exported.withProto(InputNormalization.prepend(exported.proto(), n.input(), n.sampleShape(),
                    n.offset(), n.scale()));
        }
        if (data.train() instanceof ImageDataset images && images.preprocessing().normalizes()) {
            var p = images.preprocessing();
            exported = exported.withProto(InputNormalization.prependBroadcast(exported.proto(), images.inputName(),
                    p.affineShape(), p.mean(), p.std()));
        }
        dev.trainer.onnx.ModelWriter.write(exported, modelFile);
        if (TextSettings.isText(config.data().train())) {
            copyTokenizer(config.text().file(config.model()), config.outDir().resolve("tokenizer.json"));
        }
        return modelFile;
    }

    /** The tokenizer goes with the model, so that evaluate, predict and a service find it beside it. */
    private static void copyTokenizer(Path from, Path to) {
        try {
            Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the tokenizer to " + to, e);
        }
    }

    /** The diagnosis of a finished run, printed, and its plot written beside its metrics. */
    private static void report(Path runDir, PrintStream log) {
        RunHistory history = RunHistory.read(runDir.resolve("metrics.jsonl"));
        log.println();
        log.println(Diagnosis.of(history).render());
        Path plot = runDir.resolve("training.png");
        RunPlot.write(history, runDir.getFileName().toString(), plot);
        log.println("plot: " + plot);
    }

    /** Parameters read by Gather as its data: embedding tables, whose gradients are sparse. */
    private static Set<String> lookupTables(OnnxModel model) {
        Set<String> tables = new HashSet<>();
        for (var node : model.proto().getGraph().getNodeList()) {
            if (node.getOpType().equals("Gather") && node.getInputCount() > 0) {
                tables.add(node.getInput(0));
            }
        }
        return tables;
    }

    /** The snapshot buffer for the current parameters; a new one after gradual unfreezing changed them. */
    private static ValueSnapshot snapshotOf(ValueSnapshot current, ParameterBuffer parameters) {
        if (current != null && current.covers(parameters)) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        return new ValueSnapshot(parameters);
    }

    private Evaluation evaluate(Learner learner, String output, Samples validation) {
        return Evaluation.of(learner.session(), output, validation, config.loop().batchSize(), config.data().loss(), kernels);
    }

    private void printParameterCounts(ParameterBuffer parameters, OnnxModel model, String prefix) {
        long total = 0;
        for (var t : model.proto().getGraph().getInitializerList()) {
            if (dev.trainer.onnx.TensorTypes.isFloatingPoint(t.getDataType())) {
                total += dev.trainer.onnx.TensorTypes.elementCount(t.getDimsList());
            }
        }
        long trainable = parameters.parameterCount();
        log.printf("%strainable parameters: %d in %d tensors; frozen: %d%n", prefix, trainable, parameters.slots().size(),
                total - trainable);
    }

    private void clipGradients(ParameterBuffer p) {
        double maxNorm = config.optimizer().maxGradNorm();
        if (maxNorm <= 0) {
            return;
        }
        double norm = Math.sqrt(kernels.sumOfSquares(p.gradients(), p.length()));
        if (norm > maxNorm) {
            kernels.scale(p.gradients(), p.length(), (float) (maxNorm / norm));
        }
    }

    private static String epochLine(int epoch, double trainLoss, double trainAccuracy, Evaluation validation, double seconds) {
        StringBuilder s = new StringBuilder(epoch == 0 ? "before fine-tuning"
                : String.format("epoch %3d  train_loss %.4f", epoch, trainLoss));
        if (!Double.isNaN(trainAccuracy)) {
            s.append(String.format("  train_accuracy %.4f", trainAccuracy));
        }
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

    /**
     * What a run achieved.
     *
     * @param validation the validation result of the exported parameters (the best checkpoint's when restored)
     * @param bestEpoch  the epoch of the restored best checkpoint, or 0 when the last parameters were kept
     */
    public record RunResult(long steps, int epochs, double trainLoss, Evaluation validation, String stopReason,
                            int bestEpoch) {
    }

    /** The training data's own read of the class count, for the other commands. */
    public static void requireLabelsFit(Samples data, dev.trainer.onnx.ValueType outputType, Path file) {
        TrainingData.requireLabelsFit(data, outputType, file);
    }
}
