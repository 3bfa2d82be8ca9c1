package dev.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java API program is real: its {@code java} block, extracted from README.md as it
 * stands, compiles against the library and runs, fine-tuning the digits model to the accuracy the
 * README promises (about 95%).
 */
class ReadmeExampleTest {

    private static final Path README = Path.of("../README.md");

    @TempDir
    Path tmp;

    /** The first {@code java} code block after the {@code ## Java API} heading. */
    static String javaApiProgram() throws Exception {
        String readme = Files.readString(README);
        int section = readme.indexOf("\n## Java API\n");
        assertTrue(section >= 0, "README.md has a ## Java API section");
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(section), "the section holds a ```java block");
        return block.group(1);
    }

    @Test
    void theReadmeProgramCompilesAndFineTunesTheDigits() throws Exception {
        String source = javaApiProgram();
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the block is a public class");
        Path file = Files.writeString(tmp.resolve(name.group(1) + ".java"), source);
        Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-d", tmp.toString(), "-cp", System.getProperty("java.class.path"), file.toString())
                .redirectErrorStream(true).start();
        String messages = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), messages);

        String out;
        PrintStream saved = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {"../models/digits"});
        } finally {
            System.setOut(saved);
        }
        out = printed.toString(StandardCharsets.UTF_8);

        Matcher accuracy = Pattern.compile("validation accuracy: (\\d+\\.\\d+)%").matcher(out);
        assertTrue(accuracy.find(), out);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 93, "the demo reaches about 95%: " + out);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), "the library prints nothing of its own:\n" + out);
        Path model = Path.of(lines.get(1).substring("fine-tuned model: ".length()));
        assertTrue(Files.isRegularFile(model), model.toString());
        deleteRunFolder(model.getParent());
    }

    /** The program's run() wrote into a fresh temporary folder; it is this test's to remove. */
    private static void deleteRunFolder(Path folder) throws IOException {
        assertTrue(folder.getFileName().toString().startsWith("trainer-run"), folder.toString());
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
