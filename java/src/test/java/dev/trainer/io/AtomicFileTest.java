package dev.trainer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write leaves the complete new file or the old one, never a part, and no temporary file either way. */
class AtomicFileTest {

    @TempDir
    Path tmp;

    @Test
    void writesReplaceTheFileWhole() throws IOException {
        Path file = tmp.resolve("run.json");
        AtomicFile.writeString(file, "first");
        AtomicFile.writeString(file, "second");
        assertEquals("second", Files.readString(file));
        assertEquals(List.of("run.json"), names());
    }

    /** The disk filling up halfway (the write fails as the file system's would): the old file stays. */
    @Test
    void aFailureHalfwayKeepsTheOldFileAndRemovesTheTemporaryOne() throws IOException {
        Path file = tmp.resolve("model.onnx");
        AtomicFile.writeString(file, "old model");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFile.write(file, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + file + ": No space left on device", e.getMessage());
        assertEquals("old model", Files.readString(file));
        assertEquals(List.of("model.onnx"), names());
    }

    @Test
    void aContentThatClosesItsStreamIsStillFlushedToDisk() throws IOException {
        Path file = tmp.resolve("cv.json");
        AtomicFile.write(file, out -> {
            out.write("closed early".getBytes());
            out.close();
        });
        assertEquals("closed early", Files.readString(file));
    }

    @Test
    void aMissingFolderOrAFileInItsPlaceIsNamed() throws IOException {
        Path missing = tmp.resolve("gone").resolve("run.json");
        assertEquals("cannot write " + missing + ": no such folder " + missing.getParent(),
                assertThrows(UncheckedIOException.class, () -> AtomicFile.writeString(missing, "x")).getMessage());
        Path taken = Files.createDirectories(tmp.resolve("model.onnx")).resolve("inside");
        Files.writeString(taken, "x");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> AtomicFile.writeString(tmp.resolve("model.onnx"), "y"));
        assertEquals("cannot write " + tmp.resolve("model.onnx") + ": Is a directory", e.getMessage());
        assertEquals(List.of("model.onnx"), names());
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
