package dev.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import dev.trainer.evaluate.OutputPaths;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
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

    /**
     * @throws IllegalArgumentException when the folder is a file, holds anything, or cannot be
     *         created or written
     */
    public static RunFolder requireEmpty(Path dir) {
        OutputPaths.requireCreatableFolder("--out", dir);
        if (Files.isDirectory(dir)) {
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
        } catch (FileSystemException e) {
            throw new IllegalArgumentException("cannot create --out " + dir + ": " + e.getClass().getSimpleName()
                    .replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT)
                    + (e.getReason() == null ? "" : ", " + e.getReason()) + " (" + e.getFile() + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create --out " + dir + ": " + e);
        }
    }
}
