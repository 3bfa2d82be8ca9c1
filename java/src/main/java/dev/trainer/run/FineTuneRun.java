package dev.trainer.run;

import dev.trainer.TrainingFailedException;
import dev.trainer.config.RunConfig;
import dev.trainer.edit.InputNormalization;
import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import dev.trainer.kernels.Kernels;
import dev.trainer.monitor.Diagnosis;
import dev.trainer.monitor.MetricsFile;
import dev.trainer.monitor.RunHistory;
import dev.trainer.monitor.RunPlot;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.train.loop.Listeners;
import dev.trainer.train.loop.ParameterCounts;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.loop.TrainingLoop;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;

/**
 * A fine-tune run into a folder: reads and checks every input before it writes anything, trains
 * ({@link TrainingLoop}), and writes {@code model.onnx}, {@code run.json}, {@code metrics.jsonl}
 * (every event the listeners heard) and {@code training.png}, ending with a diagnosis. A run that
 * fails in training still leaves its metrics, diagnosis and plot.
 */
public final class FineTuneRun {

    /**
     * What a run left.
     *
     * @param outcome how the loop ended and the validation scores of the exported parameters
     * @param folder  the run folder, its {@link RunFolder#model()} the fine-tuned model
     * @param events  every event of the run, in order
     */
    public record Result(TrainingLoop.Outcome outcome, RunFolder folder, List<TrainingEvent> events) {
    }

    private final RunConfig config;
    private final RunFolder folder;
    private final Kernels kernels;
    private final Listeners listeners;
    private final SampleSource train;
    private final SampleSource validation;
    /** Whether training has begun (the folder exists): a failure is then the run's, not the input's. */
    private boolean started;

    /**
     * A run of the configured files.
     *
     * @param listeners hear every event; the metrics file is added once the folder exists
     */
    public FineTuneRun(RunConfig config, Path outDir, Kernels kernels, List<TrainingListener> listeners) {
        this(config, outDir, kernels, listeners, null, null);
    }

    /**
     * A run on samples from elsewhere (cross-validation folds, the Java API's arrays) instead of the files.
     *
     * @param train      the training samples, or {@code null} for the configured file
     * @param validation the validation samples, or {@code null} for the configured file (if any)
     */
    public FineTuneRun(RunConfig config, Path outDir, Kernels kernels, List<TrainingListener> listeners,
                       SampleSource train, SampleSource validation) {
        this.config = config;
        this.folder = new RunFolder(outDir);
        this.kernels = kernels;
        this.listeners = new Listeners(listeners);
        this.train = train;
        this.validation = validation;
    }

    /**
     * Runs the whole job.
     *
     * @throws dev.trainer.ModelException, dev.trainer.DataException, IllegalArgumentException for bad
     *         input, before anything is written (memory too short for the model and batches, found
     *         before training, is bad input too)
     * @throws TrainingFailedException when training itself goes wrong (the loss diverges, memory runs out)
     */
    public Result run() {
        requireValidationData(config, validation);
        RunFolder.requireEmpty(folder.dir());
        try {
            return prepareAndTrain();
        } catch (OutOfMemoryError e) {
            String shortage = MemoryShortage.describe(e, config);
            throw started ? new TrainingFailedException(shortage) : new IllegalArgumentException(shortage);
        }
    }

    /**
     * Options that act on validation results need validation data: without it they would be
     * silently ignored.
     *
     * @param validation validation samples given in memory, or {@code null}
     */
    static void requireValidationData(RunConfig config, SampleSource validation) {
        if (validation != null || config.data().validation() != null || config.data().valSplit() > 0) {
            return;
        }
        String option = config.stopping().enabled() ? "--early-stopping-patience"
                : config.loop().evalEvery() > 0 ? "--eval-every" : null;
        if (option != null) {
            throw new IllegalArgumentException(option + " needs validation data; give --val FILE or --val-split F");
        }
    }

    private Result prepareAndTrain() {
        Instant startedAt = Instant.now();
        TrainingModel model = TrainingModel.of(config);
        if (model.note() != null) {
            listeners.note(model.note());
        }
        try (TrainingStep step = TrainingStep.open(model, config, kernels); Arena arena = Arena.ofConfined()) {
            PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(),
                    train, validation, listeners::note);
            step.weighClasses(data.classWeights());
            listeners.note(ParameterCounts.of(step.parameters(), model.exported()));
            if (data.batchCapacity(config.loop()) < config.loop().batchSize()) {
                listeners.note("--batch-size " + config.loop().batchSize() + " is more than the "
                        + data.batchCapacity(config.loop()) + " samples of an epoch: each step takes all of them");
            }
            RunRecord record = new RunRecord(config, step.session(), model.exported().opset(), data,
                    train != null && config.data().train() != null, startedAt);
            TrainingLoop loop = new TrainingLoop(config, step, data, listeners, kernels, arena,
                    "trainer diagnose " + folder.dir());
            folder.create();
            started = true;
            try (MetricsFile metrics = new MetricsFile(folder.metrics())) {
                listeners.attach(metrics);
                TrainingLoop.Outcome outcome = train(loop);
                finish(step, data, record, outcome);
                return new Result(outcome, folder, listeners.events());
            }
        }
    }

    /** The loop; when training fails, the diagnosis and plot of what was recorded, then the failure. */
    private TrainingLoop.Outcome train(TrainingLoop loop) {
        try {
            return loop.run();
        } catch (TrainingFailedException e) {
            report();
            throw e;
        }
    }

    private void finish(TrainingStep step, PreparedData data, RunRecord record, TrainingLoop.Outcome outcome) {
        listeners.note("stopped: " + outcome.stopReason());
        export(step, data, record);
        record.write(folder.record(), outcome, Instant.now());
        Scores validation = outcome.validation();
        if (validation != null && validation.classification()) {
            listeners.note(String.format("validation accuracy: %.2f%% (%d samples)", 100 * validation.accuracy(),
                    validation.samples()));
        } else if (validation != null) {
            listeners.note(String.format("validation loss: %.6f (%d samples)", validation.loss(), validation.samples()));
        }
        listeners.note("fine-tuned model: " + folder.model());
        report();
    }

    /**
     * Writes the fine-tuned inference model (with the normalization it was trained behind as its
     * first nodes) and, for text, its tokenizer beside it.
     */
    private void export(TrainingStep step, PreparedData data, RunRecord record) {
        OnnxModel exported = ModelExport.trained(step.model().exported(), step.parameters(), record.modelMetadata());
        for (var n : data.normalizations()) {
            exported = exported.withProto(InputNormalization.prepend(exported.proto(), n.input(), n.sampleShape(),
                    n.offset(), n.scale()));
        }
        ModelWriter.write(exported, folder.model());
        if (config.data().text()) {
            copy(config.text().tokenizerFile(config.model().file()), folder.tokenizer());
        }
    }

    /** The tokenizer goes with the model, so that evaluate, predict and a service find it beside it. */
    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the tokenizer to " + to, e);
        }
    }

    /** The diagnosis of the run so far, and its plot beside its metrics. */
    private void report() {
        RunHistory history = RunHistory.of(listeners.events());
        DiagnosisEvent diagnosis = Diagnosis.of(history);
        listeners.emit(diagnosis);
        RunPlot.write(history, folder.dir().getFileName().toString(), folder.plot());
        listeners.note("plot: " + folder.plot());
    }
}
