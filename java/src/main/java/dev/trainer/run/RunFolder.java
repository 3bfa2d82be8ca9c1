package dev.trainer.run;

import dev.trainer.evaluate.OutputPaths;
import dev.trainer.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's folder: it must not exist or be empty before the run, and is created only once every
 * input has been read and checked, so that bad input leaves nothing behind.
 */
public record RunFolder(Path dir) {

    /** The fine-tuned model. */
    public Path model() {
        return dir.resolve("model.onnx");
    }

    /** Settings, provenance and result. */
    public Path record() {
        return dir.resolve("run.json");
    }

    /** Every event of the run, one JSON object a line. */
    public Path metrics() {
        return dir.resolve("metrics.jsonl");
    }

    /** The run's curves. */
    public Path plot() {
        return dir.resolve("training.png");
    }

    /** The LoRA adapters alone ({@code --export-adapters}). */
    public Path adapters() {
        return dir.resolve("adapters.onnx");
    }

    /** The text model's tokenizer, beside the model. */
    public Path tokenizer() {
        return dir.resolve("tokenizer.json");
    }

    /** The checkpoints trainer resume continues from. */
    public Path checkpoints() {
        return dir.resolve("checkpoints");
    }

    /** The forward and backward graphs trainer built, which a resumed run loads. */
    public Path artifacts() {
        return dir.resolve("artifacts");
    }

    /** The lock of the one process writing into the folder. */
    public Path lock() {
        return dir.resolve(".lock");
    }

    /**
     * @throws IllegalArgumentException when the folder is a file, holds anything, or cannot be
     *         created or written
     * @throws dev.trainer.CheckpointException when another process is writing into it
     */
    public static RunFolder requireEmpty(Path dir) {
        OutputPaths.requireCreatableFolder("--out", dir);
        if (Files.isDirectory(dir)) {
            RunLock.requireFree(new RunFolder(dir));
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + dir + " exists and is not empty; choose a new folder");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + dir, e);
            }
        }
        return new RunFolder(dir);
    }

    /** Creates the folder (and its parents). */
    public void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create --out " + dir + ": " + AtomicFile.reason(e));
        }
    }

    /**
     * Removes the temporary files a process killed while writing left behind ({@code .NAME.tmp}):
     * the files they were to replace are whole.
     */
    public void removeTemporaries() {
        for (Path folder : List.of(dir, checkpoints(), artifacts())) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(folder)) {
                for (Path p : entries.filter(RunFolder::isTemporary).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw AtomicFile.failure(folder, e);
            }
        }
    }

    private static boolean isTemporary(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(".") && name.endsWith(".tmp");
    }
}
