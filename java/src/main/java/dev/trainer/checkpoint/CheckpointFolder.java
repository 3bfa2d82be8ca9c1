package dev.trainer.checkpoint;

import dev.trainer.CheckpointException;
import dev.trainer.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run's checkpoint files, {@code step-000000120.ckpt} and so on, one per step they were written
 * at: which exist, which to resume from, which to delete.
 */
public record CheckpointFolder(Path dir) {

    private static final Pattern NAME = Pattern.compile("step-(\\d+)\\.ckpt");

    /** The file of a checkpoint written after {@code step} steps. */
    public Path fileFor(long step) {
        return dir.resolve(String.format("step-%09d.ckpt", step));
    }

    /** The checkpoint files, oldest (fewest steps) first. */
    public List<Path> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(CheckpointFolder::step)).toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list " + dir + ": " + AtomicFile.reason(e), e);
        }
    }

    /** The step a checkpoint file was written at, from its name. */
    public static long step(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file + " is not a checkpoint file");
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * The newest checkpoint that reads back whole. One that is truncated or corrupted is passed
     * over for the one before it, and {@code notes} told.
     *
     * @throws CheckpointException when there is none, or none reads (the newest one's problem)
     */
    public Loaded lastGood(Consumer<String> notes) {
        List<Path> files = list();
        if (files.isEmpty()) {
            throw new CheckpointException(dir.getParent() + " has no checkpoint to resume from (no " + dir.getFileName()
                    + "/step-*.ckpt)");
        }
        CheckpointException newest = null;
        for (Path file : files.reversed()) {
            try {
                return new Loaded(file, Checkpoint.read(file));
            } catch (CheckpointException e) {
                if (newest == null) {
                    newest = e;
                }
                notes.accept("passing over " + e.getMessage());
            }
        }
        throw newest;
    }

    /** A checkpoint read back, and its file. */
    public record Loaded(Path file, Checkpoint checkpoint) {
    }

    /** Deletes the checkpoints but the newest {@code keep} and those in {@code alsoKeep} (the best, the last good one). */
    public void prune(int keep, Collection<Path> alsoKeep) {
        List<Path> files = new ArrayList<>(list());
        for (int i = 0; i < files.size() - keep; i++) {
            if (!alsoKeep.contains(files.get(i))) {
                delete(files.get(i));
            }
        }
    }

    /** Deletes the checkpoints written at {@code step} or later; returns how many. */
    public int deleteFrom(long step) {
        List<Path> doomed = list().stream().filter(p -> step(p) >= step).toList();
        doomed.forEach(CheckpointFolder::delete);
        return doomed.size();
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw AtomicFile.failure(file, e);
        }
    }
}
