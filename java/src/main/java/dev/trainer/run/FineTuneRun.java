package dev.trainer.run;

import dev.trainer.RunStatus;
import dev.trainer.TrainingFailedException;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.config.RunConfig;
import dev.trainer.edit.InputNormalization;
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

/**
 * A fine-tune run into a folder: reads and checks every input before it writes anything, locks
 * the folder, trains ({@link TrainingLoop}) with checkpoints, and writes {@code model.onnx},
 * {@code run.json} (from the start, with the run's status), {@code metrics.jsonl} (every event the
 * listeners heard), the training graphs in {@code artifacts/} and {@code training.png}, ending with
 * a diagnosis. A run that diverges or fails keeps its metrics, diagnosis, plot and good checkpoints
 * and exports nothing; an interrupted one writes a checkpoint and exports nothing. {@link #resume}
 * continues a run from its last good checkpoint.
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
    private final Resumption resumption;

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
        this(config, new RunFolder(outDir), kernels, new Listeners(listeners), train, validation, null);
    }

    private FineTuneRun(RunConfig config, RunFolder folder, Kernels kernels, Listeners listeners, SampleSource train,
                        SampleSource validation, Resumption resumption) {
        this.config = config;
        this.folder = folder;
        this.kernels = kernels;
        this.listeners = listeners;
        this.train = train;
        this.validation = validation;
        this.resumption = resumption;
    }

    /**
     * The run in {@code dir}, to continue from its last good checkpoint with the settings it
     * recorded; {@link #run()} then goes on until its (possibly raised) end. The folder is locked
     * from now until {@code run} returns.
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
        return new FineTuneRun(resumption.config(), new RunFolder(dir), kernels, heard, null, null, resumption);
    }

    /**
     * Runs the whole job.
     *
     * @throws dev.trainer.ModelException, dev.trainer.DataException, IllegalArgumentException for bad
     *         input, before anything is written
     * @throws TrainingFailedException when training itself goes wrong (the loss diverges)
     * @throws java.io.UncheckedIOException when a file cannot be written during the run
     */
    public Result run() {
        try {
            return resumption == null ? start() : resume();
        } finally {
            if (resumption != null) {
                resumption.close();
            }
        }
    }

    private Result start() {
        RunFolder.requireEmpty(folder.dir());
        Instant started = Instant.now();
        TrainingModel model = TrainingModel.of(config);
        if (model.note() != null) {
            listeners.note(model.note());
        }
        try (TrainingStep step = TrainingStep.open(model, config, kernels); Arena arena = Arena.ofConfined()) {
            PreparedData data = prepare(step);
            RunRecord record = new RunRecord(config, step.session(), model.exported().opset(), data,
                    train != null && config.data().train() != null, started);
            folder.create();
            try (RunLock lock = RunLock.acquire(folder); MetricsFile metrics = new MetricsFile(folder.metrics())) {
                listeners.attach(metrics);
                return train(step, data, arena, record, new RunCheckpoints(folder, step, config, record.modelHash(),
                        metrics, record), null);
            }
        }
    }

    private Result resume() {
        Checkpoint checkpoint = resumption.checkpoint();
        LoopState.Snapshot loop = checkpoint.loop();
        TrainingModel model = TrainingModel.of(config);
        try (TrainingStep step = TrainingStep.open(model, config, kernels, Math.max(1, loop.epoch()));
             Arena arena = Arena.ofConfined()) {
            RunCheckpoints.apply(checkpoint, step, resumption.file());
            PreparedData data = prepare(step);
            RunRecord record = new RunRecord(config, step.session(), model.exported().opset(), data, false,
                    resumption.recorded().started()).resumedFrom(resumption.recorded(), Instant.now());
            try (MetricsFile metrics = new MetricsFile(folder.metrics(), checkpoint.header().metricsBytes())) {
                listeners.precede(MetricsFile.read(folder.metrics()));
                listeners.attach(metrics);
                listeners.note(String.format("resumed from %s (epoch %d, step %d)", resumption.file(), loop.epoch(),
                        loop.step()));
                RunCheckpoints checkpoints = new RunCheckpoints(folder, step, config, record.modelHash(), metrics, record)
                        .continuing(resumption.file(), checkpoint);
                return train(step, data, arena, record, checkpoints, loop);
            }
        }
    }

    /** Reads and prepares the data for the step's inputs, and weighs the loss by class as asked. */
    private PreparedData prepare(TrainingStep step) {
        PreparedData data = PreparedData.prepare(config, step.session().inputs(), step.session().outputType(), train,
                validation, listeners::note);
        step.weighClasses(data.classWeights());
        listeners.note(ParameterCounts.of(step.parameters(), step.model().exported()));
        return data;
    }

    /** The loop, from the start or a checkpoint's state, and what its ending means for the folder. */
    private Result train(TrainingStep step, PreparedData data, Arena arena, RunRecord record, RunCheckpoints checkpoints,
                         LoopState.Snapshot from) {
        TrainingLoop.Outcome outcome;
        try {
            checkpoints.writeArtifacts();
            record.write(folder.record(), RunStatus.RUNNING, null, checkpoints.last(), null);
            TrainingLoop loop = new TrainingLoop(config, step, data, listeners, kernels, arena,
                    "trainer diagnose " + folder.dir()).checkpoints(checkpoints);
            outcome = (from == null ? loop : loop.resumeFrom(from)).run();
        } catch (Divergence d) {
            throw ended(record, checkpoints, RunStatus.DIVERGED, diverged(d, checkpoints));
        } catch (TrainingFailedException e) {
            throw ended(record, checkpoints, RunStatus.FAILED, e);
        } catch (RuntimeException e) {
            throw ended(record, checkpoints, RunStatus.FAILED, e);
        }
        if (listeners.interrupted()) {
            record.write(folder.record(), RunStatus.INTERRUPTED, outcome, checkpoints.last(), null);
            return new Result(outcome, folder, listeners.events(), RunStatus.INTERRUPTED, checkpoints.last());
        }
        RunStatus status = outcome.ending() == TrainingLoop.Ending.EARLY_STOPPING ? RunStatus.STOPPED_EARLY
                : RunStatus.COMPLETED;
        listeners.note("stopped: " + outcome.stopReason());
        export(step, data, record);
        record.write(folder.record(), status, outcome, checkpoints.last(), null);
        Scores scores = outcome.validation();
        if (scores != null && scores.classification()) {
            listeners.note(String.format("validation accuracy: %.2f%% (%d samples)", 100 * scores.accuracy(),
                    scores.samples()));
        } else if (scores != null) {
            listeners.note(String.format("validation loss: %.6f (%d samples)", scores.loss(), scores.samples()));
        }
        listeners.note("fine-tuned model: " + folder.model());
        report();
        return new Result(outcome, folder, listeners.events(), status, checkpoints.last());
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
     * Writes the fine-tuned inference model (with the normalization it was trained behind as its
     * first nodes) and, for text, its tokenizer beside it, so that evaluate, predict and a service
     * find it.
     */
    private void export(TrainingStep step, PreparedData data, RunRecord record) {
        OnnxModel exported = ModelExport.trained(step.model().exported(), step.parameters(), record.modelMetadata());
        for (var n : data.normalizations()) {
            exported = exported.withProto(InputNormalization.prepend(exported.proto(), n.input(), n.sampleShape(),
                    n.offset(), n.scale()));
        }
        ModelWriter.write(exported, folder.model());
        if (config.data().text()) {
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
