package dev.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.CheckpointException;
import dev.trainer.RunStatus;
import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.checkpoint.CheckpointFolder;
import dev.trainer.config.RunConfig;
import dev.trainer.events.CheckpointEvent;
import dev.trainer.io.AtomicFile;
import dev.trainer.monitor.MetricsFile;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.train.loop.Checkpointing;
import dev.trainer.train.loop.LoopState;
import dev.trainer.train.step.TrainingStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A run's checkpoints in its folder ({@code DIR/checkpoints}), as the loop asks for them: each is
 * written atomically with the metrics length at that moment, the newest {@code --keep-last} and the
 * best by validation are kept, run.json is brought up to date, and the training graphs in
 * {@code DIR/artifacts} are rewritten first whenever unfreezing changed them.
 */
final class RunCheckpoints implements Checkpointing {

    private final RunFolder folder;
    private final CheckpointFolder files;
    private final TrainingStep step;
    private final RunConfig config;
    private final String modelHash;
    private final MetricsFile metrics;
    private final RunRecord record;
    private TrainingGraphs written;
    private Path last;
    private CheckpointEvent lastEvent;
    private Path best;
    private double bestValue = Double.NaN;

    RunCheckpoints(RunFolder folder, TrainingStep step, RunConfig config, String modelHash, MetricsFile metrics,
                   RunRecord record) {
        this.folder = folder;
        this.files = new CheckpointFolder(folder.checkpoints());
        this.step = step;
        this.config = config;
        this.modelHash = modelHash;
        this.metrics = metrics;
        this.record = record;
    }

    /** Goes on from a run's existing checkpoints: the one resumed from is the last, the best stays the best. */
    RunCheckpoints continuing(Path resumedFrom, Checkpoint checkpoint) {
        last = resumedFrom;
        lastEvent = new CheckpointEvent(checkpoint.header().epoch(), checkpoint.header().step(), null, Double.NaN,
                resumedFrom);
        for (Path file : files.list().reversed()) {
            if (isBest(file)) {
                best = file;
                bestValue = checkpoint.loop().bestMetric();
                break;
            }
        }
        return this;
    }

    /** Whether a checkpoint file says it is the best; a damaged one (passed over by the resume) is not. */
    private static boolean isBest(Path file) {
        try {
            return Checkpoint.readHeader(file).best();
        } catch (CheckpointException e) {
            return false;
        }
    }

    /** Writes the training graphs into the folder's artifacts when they are not the ones there. */
    void writeArtifacts() {
        TrainingGraphs graphs = step.session().graphs();
        if (graphs != written) {
            TrainingArtifacts.write(folder, graphs);
            written = graphs;
        }
    }

    @Override
    public Path save(LoopState.Snapshot loop) {
        writeArtifacts();
        Path file = files.fileFor(loop.step());
        try {
            Files.createDirectories(files.dir());
        } catch (IOException e) {
            throw AtomicFile.failure(files.dir(), e);
        }
        boolean isBest = improved(loop);
        ParameterBuffer parameters = step.parameters();
        var moments = step.optimizerMoments();
        Checkpoint.Header header = new Checkpoint.Header(Provenance.trainerVersion(), Instant.now().toString(), modelHash,
                settingsHash(config), loop.epoch(), loop.step(), parameters.slots(), parameters.length(), moments.steps(),
                metrics.bytes(), isBest);
        Checkpoint.write(file, header, ConfigJson.toTree(config), loop, parameters, moments);
        last = file;
        if (isBest) {
            best = file;
        }
        files.prune(config.recovery().keepLast(), kept(loop));
        lastEvent = new CheckpointEvent(loop.epoch(), loop.step(), null, Double.NaN, file);
        record.write(folder.record(), RunStatus.RUNNING, null, lastEvent, null);
        return file;
    }

    /**
     * What pruning keeps beyond the newest: the best, and while the loss is above the divergence
     * line the newest checkpoint from before it rose, so that a run that goes on to diverge still
     * has a good one to keep however small {@code --keep-last} is.
     */
    private Set<Path> kept(LoopState.Snapshot loop) {
        Set<Path> kept = new HashSet<>();
        if (best != null) {
            kept.add(best);
        }
        long onset = loop.divergenceOnset();
        if (onset > 0) {
            files.list().stream().filter(f -> CheckpointFolder.step(f) < onset).reduce((a, b) -> b).ifPresent(kept::add);
        }
        return kept;
    }

    /** Whether the validation this checkpoint follows is the best so far and no checkpoint holds it yet. */
    private boolean improved(LoopState.Snapshot loop) {
        double value = loop.bestMetric();
        if (!loop.lastValidationBest() || Objects.equals(value, bestValue)) {
            return false;
        }
        bestValue = value;
        return true;
    }

    /**
     * These checkpoints as a data-parallel job's rank 0 writes them: none is put back mid-run,
     * since the other ranks, which write none, could not follow.
     */
    Checkpointing withoutRewind() {
        return new Checkpointing() {
            @Override
            public Path save(LoopState.Snapshot loop) {
                return RunCheckpoints.this.save(loop);
            }

            @Override
            public LoopState.Snapshot restoreLast() {
                return null;
            }
        };
    }

    @Override
    public LoopState.Snapshot restoreLast() {
        if (last == null) {
            return null;
        }
        Checkpoint checkpoint = Checkpoint.read(last);
        apply(checkpoint, step, last);
        return checkpoint.loop();
    }

    /** The last checkpoint written (or resumed from), for run.json and the message of an interrupted run. */
    CheckpointEvent last() {
        return lastEvent;
    }

    /** Deletes the checkpoints from {@code step} on, which hold diverging parameters; returns how many. */
    int discardFrom(long step) {
        int deleted = files.deleteFrom(step);
        List<Path> left = files.list();
        last = left.isEmpty() ? null : left.getLast();
        lastEvent = last == null ? null : new CheckpointEvent(0, CheckpointFolder.step(last), null, Double.NaN, last);
        return deleted;
    }

    /**
     * Puts a checkpoint's parameters and optimizer state into the step, after opening it for the
     * checkpoint's trainable parameters if they are not the ones training now.
     *
     * @throws CheckpointException when its layout is not the model's
     */
    static void apply(Checkpoint checkpoint, TrainingStep step, Path file) {
        List<ParameterBuffer.Slot> saved = checkpoint.header().slots();
        List<String> names = saved.stream().map(ParameterBuffer.Slot::name).toList();
        if (!step.session().graphs().trainable().equals(names)) {
            step.retrain(names);
        }
        List<ParameterBuffer.Slot> now = step.parameters().slots();
        for (int i = 0; i < saved.size(); i++) {
            ParameterBuffer.Slot a = saved.get(i);
            ParameterBuffer.Slot b = now.get(i);
            if (!a.name().equals(b.name()) || !java.util.Arrays.equals(a.shape(), b.shape()) || a.offset() != b.offset()) {
                throw new CheckpointException(file + " does not fit the model: its parameter " + a.name() + " "
                        + java.util.Arrays.toString(a.shape()) + " is " + b.name() + " " + java.util.Arrays.toString(b.shape())
                        + " in the model");
            }
        }
        step.parameters().setAll(checkpoint.parameters());
        try {
            step.restoreOptimizerMoments(checkpoint.first(), checkpoint.second(), checkpoint.header().optimizerSteps());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + " does not fit the optimizer: " + e.getMessage(), e);
        }
    }

    /**
     * SHA-256 of the settings that fix a run's result: all of them but {@code --epochs} and
     * {@code --max-steps}, which a resumed run may raise.
     */
    static String settingsHash(RunConfig config) {
        JsonNode tree = ConfigJson.toTree(config).deepCopy();
        ((ObjectNode) tree.path("loop")).remove(List.of("epochs", "max_steps"));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(tree.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
