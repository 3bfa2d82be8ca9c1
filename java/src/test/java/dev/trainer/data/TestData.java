package dev.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Fixtures shared by the data tests. */
final class TestData {

    private static Path miniLmTokenizer;

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

    /**
     * all-MiniLM-L6-v2's HuggingFace tokenizer.json, from the test-scoped langchain4j jar, copied
     * to a file once per test run (the tokenizer loads from a path, not from inside a jar).
     */
    static synchronized Path miniLmTokenizer() {
        if (miniLmTokenizer == null) {
            miniLmTokenizer = copyResource("/all-minilm-l6-v2-tokenizer.json", "tokenizer.json");
        }
        return miniLmTokenizer;
    }

    /** A classpath resource copied to a temporary file that is deleted when the JVM exits. */
    static Path copyResource(String resource, String suffix) {
        try (InputStream in = TestData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            Path file = Files.createTempFile("trainer-test-", suffix);
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputSpec input(String name, ElementType type, long... shape) {
        return new InputSpec(name, type, shape);
    }
}
