package dev.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fixtures shared by the data tests. */
final class TestData {

    private TestData() {
    }

    /** A file under src/test/resources/data. */
    static Path resource(String name) {
        try {
            return Path.of(TestData.class.getResource("/data/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} to {@code dir/name} and returns its path. */
    static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputSpec input(String name, ElementType type, long... shape) {
        return new InputSpec(name, type, shape);
    }
}
