package dev.trainer.run;

import dev.trainer.CheckpointException;
import dev.trainer.RunStatus;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.checkpoint.CheckpointFolder;
import dev.trainer.config.LoopConfig;
import dev.trainer.config.RunConfig;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code trainer resume DIR} continues: the folder's settings (run.json) and its last good
 * checkpoint, checked against the model and data files as they are now, with the folder locked
 * for this process. Only {@code --epochs} and {@code --max-steps} may change, and only upwards:
 * everything else would make the result another run's.
 */
final class Resumption implements AutoCloseable {

    /** Changes a resumed run may make; {@code null} keeps the recorded value. */
    record Overrides(Integer epochs, Long maxSteps) {

        static final Overrides NONE = new Overrides(null, null);
    }

    private final RunLock lock;
    private final RunRecord.Recorded recorded;
    private final RunConfig config;
    private final CheckpointFolder.Loaded loaded;

    private Resumption(RunLock lock, RunRecord.Recorded recorded, RunConfig config, CheckpointFolder.Loaded loaded) {
        this.lock = lock;
        this.recorded = recorded;
        this.config = config;
        this.loaded = loaded;
    }

    /**
     * Locks the folder and reads what it resumes from.
     *
     * @param notes hears about checkpoints passed over
     * @throws CheckpointException when the folder is not a resumable run, in use, or its checkpoint
     *         does not belong to its model, settings or data
     * @throws IllegalArgumentException for overrides that lower the run's length
     */
    static Resumption open(Path dir, Overrides overrides, Consumer<String> notes) {
        RunFolder folder = new RunFolder(dir);
        if (!Files.isDirectory(dir) || !Files.isRegularFile(folder.record())) {
            throw new CheckpointException(dir + " is not a run folder (it has no run.json)");
        }
        // a folder resume cannot write in (read-only, not permitted) is bad input found before the run,
        // not an I/O failure during it
        RunLock lock;
        try {
            lock = RunLock.acquire(folder);
        } catch (UncheckedIOException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        try {
            folder.removeTemporaries();
            RunRecord.Recorded recorded = RunRecord.read(folder.record());
            if (recorded.status() == RunStatus.DIVERGED) {
                throw new CheckpointException(dir + " diverged; resuming it with the same settings would diverge again:"
                        + " start a new fine-tune with a lower --lr");
            }
            CheckpointFolder.Loaded loaded = new CheckpointFolder(folder.checkpoints()).lastGood(notes);
            RunConfig config = raised(recorded, overrides, loaded.checkpoint(), dir);
            requireSame(dir, recorded, config, loaded);
            return new Resumption(lock, recorded, config, loaded);
        } catch (RuntimeException e) {
            lock.close();
            throw e instanceof UncheckedIOException io ? new CheckpointException(io.getMessage(), io) : e;
        }
    }

    /** The recorded settings with the longer run asked for. */
    private static RunConfig raised(RunRecord.Recorded recorded, Overrides overrides, Checkpoint checkpoint, Path dir) {
        LoopConfig loop = recorded.config().loop();
        int epochs = loop.epochs();
        long maxSteps = loop.maxSteps();
        if (overrides.epochs() != null) {
            if (overrides.epochs() < epochs) {
                throw new IllegalArgumentException("--epochs " + overrides.epochs() + " is fewer than the run's " + epochs
                        + ": resume may only raise it");
            }
            epochs = overrides.epochs();
        }
        if (overrides.maxSteps() != null) {
            if (maxSteps == 0 || overrides.maxSteps() != 0 && overrides.maxSteps() < maxSteps) {
                throw new IllegalArgumentException("--max-steps " + overrides.maxSteps() + " would shorten the run (its "
                        + "limit is " + (maxSteps == 0 ? "none" : Long.toString(maxSteps)) + "): resume may only raise it, or"
                        + " lift it with 0");
            }
            maxSteps = overrides.maxSteps();
        }
        boolean done = checkpoint.loop().epochsRun() >= epochs || maxSteps > 0 && checkpoint.header().step() >= maxSteps;
        if (recorded.status() == RunStatus.COMPLETED && done) {
            throw new CheckpointException(dir + " already completed (" + epochs + " epochs, step "
                    + checkpoint.header().step() + "); give --epochs above " + epochs + " to train on");
        }
        return recorded.config().with(new LoopConfig(epochs, loop.batchSize(), loop.gradAccum(), maxSteps, loop.shuffle(),
                loop.seed(), loop.evalEvery(), loop.statsEvery()));
    }

    /** The checkpoint must be of the folder's model file and settings, and the data files must not have changed. */
    private static void requireSame(Path dir, RunRecord.Recorded recorded, RunConfig config, CheckpointFolder.Loaded loaded) {
        Checkpoint.Header header = loaded.checkpoint().header();
        Path model = config.model().file();
        if (!Files.isRegularFile(model)) {
            throw new CheckpointException(dir + " trains " + model + ", which no longer exists");
        }
        String modelHash = Provenance.sha256(model);
        if (!modelHash.equals(header.modelSha256())) {
            throw new CheckpointException(loaded.file() + " was written for another model than " + model + " (sha256 "
                    + abbreviated(header.modelSha256()) + ", the file's is " + abbreviated(modelHash) + ")");
        }
        if (!RunCheckpoints.settingsHash(config).equals(header.configSha256())) {
            throw new CheckpointException(loaded.file() + " was written with other settings than " + dir
                    + "/run.json records");
        }
        if (recorded.ranks() > 1) {
            throw new CheckpointException(dir + " was trained data-parallel over " + recorded.ranks() + " ranks; resume"
                    + " continues runs of one process (its batches would be another run's): run the job again into a new"
                    + " folder");
        }
        if (recorded.fold()) {
            throw new CheckpointException(dir + " is a cross-validation fold, which cannot be resumed on its own: run"
                    + " trainer cv again");
        }
        if (config.data().train() == null) {
            throw new CheckpointException(dir + " was trained on data given in memory, which a resumed run cannot read back");
        }
        for (Map.Entry<String, String> e : recorded.dataSha256().entrySet()) {
            Path file = e.getKey().equals("train") ? config.data().train() : config.data().validation();
            if (file != null && (!Files.isRegularFile(file) || !Provenance.sha256(file).equals(e.getValue()))) {
                throw new CheckpointException(dir + "'s " + e.getKey() + " data " + file + (Files.isRegularFile(file)
                        ? " changed" : " is gone") + " since the run started; resuming would train on other data");
            }
        }
    }

    private static String abbreviated(String sha256) {
        return sha256.length() > 12 ? sha256.substring(0, 12) + "..." : sha256;
    }

    RunConfig config() {
        return config;
    }

    RunRecord.Recorded recorded() {
        return recorded;
    }

    Path file() {
        return loaded.file();
    }

    Checkpoint checkpoint() {
        return loaded.checkpoint();
    }

    /** Releases the folder. */
    @Override
    public void close() {
        lock.close();
    }
}
