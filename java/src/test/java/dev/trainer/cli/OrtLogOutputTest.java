package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.badinput.BadModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime writes its log to the process's stderr by itself, in ANSI colour, so this runs
 * trainer in a child JVM (what a user's terminal sees) on a model ORT warns about: it removes an
 * initializer no node reads. Issue 8, defect 13. Tagged slow: three JVMs start.
 */
@Tag("slow")
class OrtLogOutputTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run trainer(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp",
                System.getProperty("java.class.path"),
                TrainerCommand.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        int code = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
        return new Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void quietByDefaultAndShownWithVerbose() throws Exception {
        Path model = BadModels.unusedInitializer(dir.resolve("unused.onnx"));

        Run quiet = trainer("inspect", "--model", model.toString());
        Run verbose = trainer("inspect", "--model", model.toString(), "--verbose");

        assertEquals(0, quiet.code(), quiet.err());
        assertEquals("", quiet.err());
        assertTrue(quiet.out().contains("training: ready"), quiet.out());
        assertEquals(0, verbose.code(), verbose.err());
        assertTrue(verbose.err().contains("Removing initializer 'unused'"), verbose.err());
    }

    @Test
    void aCleanFineTunePrintsNothingOnStderr() throws Exception {
        Path model = BadModels.unusedInitializer(dir.resolve("unused.onnx"));

        Run run = trainer("fine-tune", "--model", model.toString(), "--train", "../models/digits/train.csv", "--out",
                dir.resolve("run").toString(), "--max-steps", "2");

        assertEquals(0, run.code(), run.err());
        assertEquals("", run.err());
        assertFalse(run.out().contains("\u001b["), "no ANSI colour: " + run.out());
    }
}
