package dev.trainer.run;

import dev.trainer.TrainingFailedException;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.RunConfig;
import dev.trainer.edit.LoraAdapter;
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
import java.util.Locale;

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
     *         input, before anything is written
     * @throws TrainingFailedException when training itself goes wrong (the loss diverges)
     */
    public Result run() {
        RunFolder.requireEmpty(folder.dir());
        Instant started = Instant.now();
        TrainingModel model = TrainingModel.of(config);
        if (model.note() != null) {
            listeners.note(model.note());
        }
        try (TrainingStep step = TrainingStep.open(model, config, kernels); Arena arena = Arena.ofConfined()) {
            PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(),
                    train, validation, listeners::note);
            step.weighClasses(data.classWeights());
            if (!model.adapters().isEmpty()) {
                listeners.note(loraNote(model.adapters()));
            }
            listeners.note(ParameterCounts.of(step.parameters(), model.trained()));
            if (config.loop().gradAccum() > 1) {
                listeners.note(String.format("gradient accumulation: %d batches of %d per step, an effective batch of %d",
                        config.loop().gradAccum(), config.loop().batchSize(), config.loop().effectiveBatchSize()));
            }
            RunRecord record = new RunRecord(config, step.session(), model.exported().opset(), data,
                    train != null && config.data().train() != null, started);
            folder.create();
            try (MetricsFile metrics = new MetricsFile(folder.metrics())) {
                listeners.attach(metrics);
                TrainingLoop.Outcome outcome = train(step, data, arena);
                finish(step, data, record, outcome);
                return new Result(outcome, folder, listeners.events());
            }
        }
    }

    /** {@code LoRA adapters of rank 8 (alpha 16, dropout 0.1) beside 36 weights: first ... last}. */
    private String loraNote(List<LoraAdapter> adapters) {
        LoraSpec spec = config.lora().adapter();
        List<String> modules = adapters.stream().map(a -> a.a().endsWith(".lora_A")
                ? a.a().substring(0, a.a().length() - ".lora_A".length()) : a.weight()).toList();
        return String.format(Locale.ROOT, "LoRA adapters of rank %d (alpha %s, dropout %s) beside %d weights: %s",
                spec.rank(), spec.alpha(), spec.dropout(), adapters.size(), modules.size() <= 2 ? String.join(", ", modules)
                        : modules.getFirst() + " ... " + modules.getLast());
    }

    /** The loop; when training fails, the diagnosis and plot of what was recorded, then the failure. */
    private TrainingLoop.Outcome train(TrainingStep step, PreparedData data, Arena arena) {
        try {
            return new TrainingLoop(config, step, data, listeners, kernels, arena, "trainer diagnose " + folder.dir()).run();
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
     * first nodes, LoRA adapters merged in), the adapters alone when asked, and, for text, its
     * tokenizer beside it.
     */
    private void export(TrainingStep step, PreparedData data, RunRecord record) {
        TrainingModel model = step.model();
        OnnxModel exported = ModelExport.trained(model.exported(), model.trained(), step.parameters(), model.adapters(),
                record.modelMetadata());
        ModelWriter.write(ModelExport.withInputNormalization(exported, data.normalizations()), folder.model());
        if (config.lora().exportAdapters()) {
            AdapterFile.of(model, step.parameters(), data.normalizations(), record.modelMetadata()).write(folder.adapters());
        }
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
