package dev.trainer.run;

import dev.trainer.DataException;
import dev.trainer.TrainingFailedException;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.RunConfig;
import dev.trainer.data.TextDataset;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
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
 *
 * <p>As a rank of a data-parallel job, every rank reads and checks the inputs and the ranks agree
 * on the outcome ({@link DistributedJob#agree}) before rank 0's parameters are broadcast and they
 * train together; rank 0 alone tells the listeners and writes the folder.
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
    private final Collective ranks;
    /** Whether training has begun (the folder exists): a failure is then the run's, not the input's. */
    private boolean trainingBegan;

    /**
     * @param listeners  hear every event (on rank 0 of a job); the metrics file is added once the folder exists
     * @param train      the training samples, or {@code null} for the configured file
     * @param validation the validation samples, or {@code null} for the configured file (if any)
     * @param ranks      the job the run trains in: a single process, or this rank of several
     */
    public FineTuneRun(RunConfig config, Path outDir, Kernels kernels, List<TrainingListener> listeners,
                       SampleSource train, SampleSource validation, Collective ranks) {
        this.config = config;
        this.folder = new RunFolder(outDir);
        this.kernels = kernels;
        this.listeners = new Listeners(ranks.rank() == 0 ? listeners : List.of());
        this.train = train;
        this.validation = validation;
        this.ranks = ranks;
    }

    /** A run's inputs, read and checked: the model's step (owned: closing closes it), the data, the record. */
    private record Inputs(TrainingStep step, PreparedData data, RunRecord record) implements AutoCloseable {
        @Override
        public void close() {
            step.close();
        }
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
        try {
            return checkAndTrain();
        } catch (OutOfMemoryError e) {
            String shortage = MemoryShortage.describe(e, config);
            throw trainingBegan ? new TrainingFailedException(shortage) : new IllegalArgumentException(shortage);
        }
    }

    /** The inputs checked, the loop and its batch buffers made, and only then the folder created and the run trained. */
    private Result checkAndTrain() {
        try (Inputs inputs = agreedInputs(Instant.now()); Arena arena = Arena.ofConfined()) {
            TrainingStep step = inputs.step();
            // every rank starts from rank 0's parameters, whatever its setup drew
            ranks.broadcast(step.parameters().values(), step.parameters().length());
            try (TrainingLoop loop = new TrainingLoop(config, step, inputs.data(), listeners, kernels, ranks, arena,
                    "trainer diagnose " + folder.dir())) {
                if (ranks.rank() != 0) {
                    trainingBegan = true;
                    return new Result(train(loop), folder, listeners.events());
                }
                folder.create();
                trainingBegan = true;
                try (MetricsFile metrics = new MetricsFile(folder.metrics());
                     ReportSinks sinks = ReportSinks.attach(config, folder, listeners)) {
                    listeners.attach(metrics);
                    TrainingLoop.Outcome outcome = train(loop);
                    finish(step, inputs.data(), inputs.record(), outcome);
                    return new Result(outcome, folder, listeners.events());
                }
            }
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

    /** {@code LoRA adapters of rank 8 (alpha 16, dropout 0.1) beside 36 weights: first ... last}. */
    private String loraNote(List<LoraAdapter> adapters) {
        LoraSpec spec = config.lora().adapter();
        List<String> modules = adapters.stream().map(a -> a.a().endsWith(".lora_A")
                ? a.a().substring(0, a.a().length() - ".lora_A".length()) : a.weight()).toList();
        return String.format(Locale.ROOT, "LoRA adapters of rank %d (alpha %s, dropout %s) beside %d weights: %s",
                spec.rank(), spec.alpha(), spec.dropout(), adapters.size(), modules.size() <= 2 ? String.join(", ", modules)
                        : modules.getFirst() + " ... " + modules.getLast());
    }

    /** Every input read and checked on every rank, and the ranks agreed that none failed. */
    private Inputs agreedInputs(Instant started) {
        Inputs inputs = null;
        RuntimeException failure = null;
        try {
            inputs = inputs(started);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            DistributedJob.agree(ranks, failure);
        } catch (RuntimeException e) {
            if (inputs != null) {
                inputs.close();
            }
            throw e;
        }
        return inputs;
    }

    private Inputs inputs(Instant started) {
        requireValidationData(config, validation);
        RunFolder.requireEmpty(folder.dir());
        TrainingModel model = TrainingModel.of(config);
        model.notes().forEach(listeners::note);
        TrainingStep step = TrainingStep.open(model, config, kernels, ranks);
        try {
            PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(),
                    train, validation, listeners::note);
            step.weighClasses(data.classWeights());
            noteTraining(model, step);
            if (data.batchCapacity(config.loop()) < config.loop().batchSize()) {
                listeners.note("--batch-size " + config.loop().batchSize() + " is more than the "
                        + data.batchCapacity(config.loop()) + " samples of an epoch: each step takes all of them");
            }
            return new Inputs(step, data, new RunRecord(config, step.session(), model.exported().opset(), data,
                    train != null && config.data().train() != null, started, ranks));
        } catch (RuntimeException e) {
            step.close();
            throw e;
        }
    }

    /** What trains, and how many samples make a step. */
    private void noteTraining(TrainingModel model, TrainingStep step) {
        if (!model.adapters().isEmpty()) {
            listeners.note(loraNote(model.adapters()));
        }
        listeners.note(ParameterCounts.of(step.parameters(), model.trained()));
        int batch = config.loop().batchSize();
        int globalBatch = BatchShards.globalBatchSize(batch, ranks.size());
        if (ranks.size() > 1) {
            listeners.note(String.format("data-parallel over %s: batch %d per rank, effective batch %d",
                    ranks.description(), batch, globalBatch));
        }
        if (config.loop().gradAccum() > 1) {
            listeners.note(String.format("gradient accumulation: %d batches of %d per step, an effective batch of %d",
                    config.loop().gradAccum(), globalBatch, (long) config.loop().gradAccum() * globalBatch));
        }
    }

    /**
     * The loop; when training fails (on every rank alike: the loss the ranks reduced diverged),
     * the diagnosis and plot of what was recorded, then the failure.
     */
    private TrainingLoop.Outcome train(TrainingLoop loop) {
        try {
            return loop.run();
        } catch (DataException unreadable) {
            // a file that passed the checks before training but fails when read in full (an image whose
            // data is damaged behind a sound header): the run has begun, so the run failed. Only this
            // rank reads that file: DistributedJob aborts the others, which no collective could reach.
            TrainingFailedException failed = new TrainingFailedException(unreadable.getMessage()
                    + "; found during training, after the check of every file's header");
            failed.initCause(unreadable);
            if (ranks.rank() == 0) {
                report();
            }
            throw failed;
        } catch (TrainingFailedException e) {
            if (ranks.rank() == 0) {
                report();
            }
            DistributedJob.agree(ranks, e);
            throw e;
        }
    }

    private void finish(TrainingStep step, PreparedData data, RunRecord record, TrainingLoop.Outcome outcome) {
        listeners.note("stopped: " + outcome.stopReason());
        export(step, data, record);
        record.write(folder.record(), outcome, Instant.now());
        Scores validation = outcome.validation();
        if (validation != null && validation.isClassification()) {
            listeners.note(String.format("validation accuracy: %.2f%% (%d samples)", 100 * validation.accuracy(),
                    validation.samples()));
        } else if (validation != null) {
            listeners.note(String.format("validation loss: %.6f (%d samples)", validation.loss(), validation.samples()));
        }
        listeners.note("fine-tuned model: " + folder.model());
        report();
    }

    /**
     * Writes the fine-tuned inference model (LoRA adapters merged in; the normalization it was
     * trained behind, of features or of image channels, as its first nodes), the adapters alone
     * when asked, and, for text, its tokenizer beside it.
     */
    private void export(TrainingStep step, PreparedData data, RunRecord record) {
        TrainingModel model = step.model();
        OnnxModel exported = ModelExport.withInputNormalization(ModelExport.trained(model.exported(), model.trained(),
                step.parameters(), model.adapters(), record.modelMetadata()), data.normalizations());
        ImageScaling image = ImageScaling.of(data.train());
        ModelWriter.write(image == null ? exported : image.prependTo(exported), folder.model());
        if (config.lora().exportAdapters()) {
            AdapterFile.of(model, step.parameters(), data.normalizations(), image, record.modelMetadata())
                    .write(folder.adapters());
        }
        if (data.train() instanceof TextDataset) {
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
