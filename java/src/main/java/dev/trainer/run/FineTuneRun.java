package dev.trainer.run;

import dev.trainer.DataException;
import dev.trainer.RunStatus;
import dev.trainer.TrainingFailedException;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.config.LoraSpec;
import dev.trainer.config.RunConfig;
import dev.trainer.data.TextDataset;
import dev.trainer.distributed.BatchShards;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.SingleProcess;
import dev.trainer.edit.LoraAdapter;
import dev.trainer.events.CheckpointEvent;
import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import dev.trainer.io.AtomicFile;
import dev.trainer.kernels.Kernels;
import dev.trainer.monitor.Diagnosis;
import dev.trainer.monitor.MetricsFile;
import dev.trainer.monitor.RunHistory;
import dev.trainer.monitor.RunPlot;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.train.loop.Divergence;
import dev.trainer.train.loop.Listeners;
import dev.trainer.train.loop.LoopState;
import dev.trainer.train.loop.ParameterCounts;
import dev.trainer.train.loop.PreparedData;
import dev.trainer.train.loop.SampleSource;
import dev.trainer.train.loop.TrainingLoop;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A fine-tune run into a folder: reads and checks every input before it writes anything, locks
 * the folder, trains ({@link TrainingLoop}) with checkpoints, and writes {@code model.onnx},
 * {@code run.json} (from the start, with the run's status), {@code metrics.jsonl} (every event the
 * listeners heard), the training graphs in {@code artifacts/} and {@code training.png}, ending with
 * a diagnosis. A run that diverges or fails keeps its metrics, diagnosis, plot and good checkpoints
 * and exports nothing; an interrupted one writes a checkpoint and exports nothing. {@link #resume}
 * continues a run from its last good checkpoint.
 *
 * <p>As a rank of a data-parallel job, every rank reads and checks the inputs and the ranks agree
 * on the outcome ({@link DistributedJob#agree}) before rank 0's parameters are broadcast and they
 * train together; rank 0 alone tells the listeners and writes the folder, its checkpoints
 * included (none is put back mid-run: the other ranks could not follow).
 */
public final class FineTuneRun {

    /**
     * What a run left.
     *
     * @param outcome    how the loop ended and the validation scores of the exported parameters
     * @param folder     the run folder, its {@link RunFolder#model()} the fine-tuned model (unless interrupted)
     * @param events     every event of the run, in order (a resumed run's earlier ones included)
     * @param status     completed, stopped early or interrupted
     * @param checkpoint the last checkpoint written, or {@code null}
     */
    public record Result(TrainingLoop.Outcome outcome, RunFolder folder, List<TrainingEvent> events, RunStatus status,
                         CheckpointEvent checkpoint) {
    }

    private final RunConfig config;
    private final RunFolder folder;
    private final Kernels kernels;
    private final Listeners listeners;
    private final SampleSource train;
    private final SampleSource validation;
    private final Collective ranks;
    private final Resumption resumption;
    /** Whether training has begun (the folder is the run's): a failure is then the run's, not the input's. */
    private boolean trainingBegan;

    /**
     * @param listeners  hear every event (on rank 0 of a job); the metrics file is added once the folder exists
     * @param train      the training samples, or {@code null} for the configured file
     * @param validation the validation samples, or {@code null} for the configured file (if any)
     * @param ranks      the job the run trains in: a single process, or this rank of several
     */
    public FineTuneRun(RunConfig config, Path outDir, Kernels kernels, List<TrainingListener> listeners,
                       SampleSource train, SampleSource validation, Collective ranks) {
        this(config, new RunFolder(outDir), kernels, new Listeners(ranks.rank() == 0 ? listeners : List.of()), train,
                validation, ranks, null);
    }

    private FineTuneRun(RunConfig config, RunFolder folder, Kernels kernels, Listeners listeners, SampleSource train,
                        SampleSource validation, Collective ranks, Resumption resumption) {
        this.config = config;
        this.folder = folder;
        this.kernels = kernels;
        this.listeners = listeners;
        this.train = train;
        this.validation = validation;
        this.ranks = ranks;
        this.resumption = resumption;
    }

    /**
     * The run in {@code dir}, to continue in this process from its last good checkpoint with the
     * settings it recorded; {@link #run()} then goes on until its (possibly raised) end. The folder
     * is locked from now until {@code run} returns.
     *
     * @param epochs   a higher epoch count, or {@code null} for the recorded one
     * @param maxSteps a higher step limit (0: none), or {@code null} for the recorded one
     * @throws dev.trainer.CheckpointException when the folder cannot be resumed (in use, no good
     *         checkpoint, another model, other settings or data)
     * @throws IllegalArgumentException for an epoch count or step limit below the run's
     */
    public static FineTuneRun resume(Path dir, Integer epochs, Long maxSteps, Kernels kernels,
                                     List<TrainingListener> listeners) {
        Listeners heard = new Listeners(listeners);
        Resumption resumption = Resumption.open(dir, new Resumption.Overrides(epochs, maxSteps), heard::note);
        return new FineTuneRun(resumption.config(), new RunFolder(dir), kernels, heard, null, null, new SingleProcess(),
                resumption);
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
     * @throws TrainingFailedException when training itself goes wrong (the loss diverges, memory runs
     *         out, a file turns out damaged when read in full)
     * @throws java.io.UncheckedIOException when a file cannot be written during the run
     */
    public Result run() {
        try {
            return resumption == null ? start() : resume();
        } catch (OutOfMemoryError e) {
            String shortage = MemoryShortage.describe(e, config);
            throw trainingBegan ? new TrainingFailedException(shortage) : new IllegalArgumentException(shortage);
        } finally {
            if (resumption != null) {
                resumption.close();
            }
        }
    }

    private Result start() {
        try (Inputs inputs = agreedInputs(Instant.now()); Arena arena = Arena.ofConfined()) {
            TrainingStep step = inputs.step();
            // every rank starts from rank 0's parameters, whatever its setup drew
            step.broadcastParameters();
            // the loop checks the schedule against the run's steps and allocates the batch buffers: before the folder
            try (TrainingLoop loop = loop(step, inputs.data(), arena)) {
                trainingBegan = true;
                if (ranks.rank() != 0) {
                    return trainAlong(loop);
                }
                folder.create();
                RunRecord record = inputs.record();
                try (RunLock lock = RunLock.acquire(folder); MetricsFile metrics = new MetricsFile(folder.metrics());
                     ReportSinks sinks = ReportSinks.attach(config, folder, listeners)) {
                    listeners.attach(metrics);
                    return train(loop, step, inputs.data(), record, new RunCheckpoints(folder, step, config,
                            record.modelHash(), metrics, record), null);
                }
            }
        }
    }

    private Result resume() {
        trainingBegan = true;
        Checkpoint checkpoint = resumption.checkpoint();
        LoopState.Snapshot loop = checkpoint.loop();
        TrainingModel model = TrainingModel.of(config);
        try (TrainingStep step = TrainingStep.open(model, config, kernels, ranks, Math.max(1, loop.epoch()));
             Arena arena = Arena.ofConfined()) {
            RunCheckpoints.apply(checkpoint, step, resumption.file());
            PreparedData data = prepare(step, model);
            RunRecord record = new RunRecord(config, step.session(), model.exported().opset(), data, false,
                    resumption.recorded().started(), ranks).resumedFrom(resumption.recorded(), Instant.now());
            try (TrainingLoop training = loop(step, data, arena);
                 MetricsFile metrics = new MetricsFile(folder.metrics(), checkpoint.header().metricsBytes());
                 ReportSinks sinks = ReportSinks.attach(config, folder, listeners)) {
                List<TrainingEvent> earlier = MetricsFile.read(folder.metrics());
                listeners.precede(earlier);
                sinks.replay(earlier, loop.step());
                listeners.attach(metrics);
                listeners.note(String.format("resumed from %s (epoch %d, step %d)", resumption.file(), loop.epoch(),
                        loop.step()));
                RunCheckpoints checkpoints = new RunCheckpoints(folder, step, config, record.modelHash(), metrics, record)
                        .continuing(resumption.file(), checkpoint);
                return train(training, step, data, record, checkpoints, loop);
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
            PreparedData data = prepare(step, model);
            return new Inputs(step, data, new RunRecord(config, step.session(), model.exported().opset(), data,
                    train != null && config.data().train() != null, started, ranks));
        } catch (RuntimeException e) {
            step.close();
            throw e;
        }
    }

    /** Reads and prepares the data for the step's inputs, weighs the loss by class as asked, and says what trains. */
    private PreparedData prepare(TrainingStep step, TrainingModel model) {
        PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(),
                train, validation, listeners::note);
        step.weighClasses(data.classWeights());
        noteTraining(model, step);
        if (data.batchCapacity(config.loop()) < config.loop().batchSize()) {
            listeners.note("--batch-size " + config.loop().batchSize() + " is more than the "
                    + data.batchCapacity(config.loop()) + " samples of an epoch: each step takes all of them");
        }
        return data;
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

    private TrainingLoop loop(TrainingStep step, PreparedData data, Arena arena) {
        return new TrainingLoop(config, step, data, listeners, kernels, ranks, arena, "trainer diagnose " + folder.dir());
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
     * A rank other than 0 of a job: trains in step with rank 0 and writes nothing; a failure (the
     * same on every rank: the loss the ranks reduced diverged) is agreed on and thrown.
     */
    private Result trainAlong(TrainingLoop loop) {
        try {
            return new Result(loop.run(), folder, listeners.events(), RunStatus.COMPLETED, null);
        } catch (TrainingFailedException e) {
            DistributedJob.agree(ranks, e);
            throw e;
        }
    }

    /** The loop, from the start or a checkpoint's state, and what its ending means for the folder. */
    private Result train(TrainingLoop loop, TrainingStep step, PreparedData data, RunRecord record,
                         RunCheckpoints checkpoints, LoopState.Snapshot from) {
        TrainingLoop.Outcome outcome;
        try {
            checkpoints.writeArtifacts();
            record.write(folder.record(), RunStatus.RUNNING, null, checkpoints.last(), null);
            loop.checkpoints(ranks.size() == 1 ? checkpoints : checkpoints.withoutRewind());
            outcome = (from == null ? loop : loop.resumeFrom(from)).run();
        } catch (Divergence d) {
            throw agreed(ended(record, checkpoints, RunStatus.DIVERGED, diverged(d, checkpoints)));
        } catch (TrainingFailedException e) {
            throw agreed(ended(record, checkpoints, RunStatus.FAILED, e));
        } catch (DataException unreadable) {
            // a file that passed the checks before training but fails when read in full (an image whose
            // data is damaged behind a sound header): the run has begun, so the run failed. Only this
            // rank reads that file: DistributedJob aborts the others, which no collective could reach.
            TrainingFailedException failed = new TrainingFailedException(unreadable.getMessage()
                    + "; found during training, after the check of every file's header");
            failed.initCause(unreadable);
            throw ended(record, checkpoints, RunStatus.FAILED, failed);
        } catch (RuntimeException e) {
            throw ended(record, checkpoints, RunStatus.FAILED, e);
        }
        if (listeners.interrupted()) {
            record.write(folder.record(), RunStatus.INTERRUPTED, outcome, checkpoints.last(), null);
            return new Result(outcome, folder, listeners.events(), RunStatus.INTERRUPTED, checkpoints.last());
        }
        RunStatus status = outcome.ending() == TrainingLoop.Ending.EARLY_STOPPING ? RunStatus.STOPPED_EARLY
                : RunStatus.COMPLETED;
        finish(step, data, record, outcome, status, checkpoints.last());
        return new Result(outcome, folder, listeners.events(), status, checkpoints.last());
    }

    /** A training failure of rank 0, told to the other ranks of a job, which fail alike. */
    private RuntimeException agreed(RuntimeException e) {
        if (ranks.size() > 1) {
            DistributedJob.agree(ranks, e);
        }
        return e;
    }

    private void finish(TrainingStep step, PreparedData data, RunRecord record, TrainingLoop.Outcome outcome,
                        RunStatus status, CheckpointEvent checkpoint) {
        listeners.note("stopped: " + outcome.stopReason());
        export(step, data, record);
        record.write(folder.record(), status, outcome, checkpoint, null);
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
     * A diverged run keeps only the checkpoints before the divergence set in, and exports nothing:
     * a model from a diverging run is not one to deploy by accident. The message says which good
     * checkpoint is left.
     */
    private Divergence diverged(Divergence d, RunCheckpoints checkpoints) {
        if (d.onset() > 0) {
            checkpoints.discardFrom(d.onset());
        }
        CheckpointEvent last = checkpoints.last();
        return d.explained("; nothing was exported" + (last == null ? ""
                : "; the last good checkpoint is " + last.file() + " (step " + last.step() + ")"));
    }

    /**
     * Records how the run ended in run.json, and the diagnosis and plot of what it recorded, as far
     * as the disk lets (a full disk may be why it failed): the original failure is what is thrown.
     */
    private RuntimeException ended(RunRecord record, RunCheckpoints checkpoints, RunStatus status, RuntimeException e) {
        try {
            record.write(folder.record(), status, null, checkpoints.last(), e.getMessage());
            report();
        } catch (RuntimeException secondary) {
            e.addSuppressed(secondary);
        }
        return e;
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
            AtomicFile.copy(config.text().tokenizerFile(config.model().file()), folder.tokenizer());
        }
    }

    /** The diagnosis of the run so far, and its plot beside its metrics. */
    private void report() {
        RunHistory history = RunHistory.of(listeners.events());
        DiagnosisEvent diagnosis = Diagnosis.of(history);
        listeners.emit(diagnosis);
        RunPlot.write(history, folder.dir().toAbsolutePath().getFileName().toString(), folder.plot());
        listeners.note("plot: " + folder.plot());
    }
}
