package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.checkpoint.CheckpointFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up during a run, and a folder that cannot be written, on small tmpfs mounts
 * (skipped where the test may not mount one, i.e. not as root): one line naming the path, exit 1
 * for a failure during the run and 2 for one found before it, no temporary file left, no
 * half-written checkpoint or model, and a run that resumes exactly once there is room.
 */
class DiskFailureTest {

    private static final Path DIGITS = Path.of("../models/digits");

    @TempDir
    Path tmp;

    private final List<Path> mounts = new ArrayList<>();

    private static String[] demo(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("fine-tune", "--out", out.toString(), "--model",
                DIGITS.resolve("model.onnx").toString(), "--train", DIGITS.resolve("train.csv").toString(), "--epochs", "3"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** Room for one checkpoint of the demo (118 kB) but not two: the second epoch's checkpoint cannot be written. */
    @Test
    void aDiskFillingUpFailsTheRunInOneLineAndTheRunResumesOnceThereIsRoom() throws IOException {
        Path disk = mount("disk", "size=200k");
        Path run = disk.resolve("run");
        Cli.Outcome full = Cli.run(demo(run));
        assertEquals(1, full.code(), full.err());
        assertEquals(1, full.err().lines().count(), full.err());
        assertTrue(full.err().strip().matches("trainer: error: cannot write \\Q" + run.resolve("checkpoints")
                + "/\\Estep-\\d+\\.ckpt: No space left on device"), full.err());
        assertEquals(List.of(), temporaries(run), "no temporary file left");
        assertFalse(Files.exists(run.resolve("model.onnx")));
        assertEquals("failed", new ObjectMapper().readTree(run.resolve("run.json").toFile()).path("status").asText());
        List<Path> left = new CheckpointFolder(run.resolve("checkpoints")).list();
        assertEquals(1, left.size(), left.toString());
        Checkpoint.read(left.getFirst()); // whole: its sections pass their CRCs

        remount(disk, "remount,size=4m");
        Cli.Outcome resumed = Cli.run("resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        Path whole = tmp.resolve("whole");
        assertEquals(0, Cli.run(demo(whole)).code());
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.onnx")), Files.readAllBytes(run.resolve("model.onnx")),
                "the resumed run ends with the uninterrupted run's model");
    }

    @Test
    void aReadOnlyFolderIsBadInputFoundBeforeTheRun() throws IOException {
        Path readOnly = mount("ro", "size=100k,ro");
        Cli.Outcome fineTune = Cli.run(demo(readOnly.resolve("run")));
        assertEquals(2, fineTune.code(), fineTune.err());
        assertEquals("trainer: error: --out " + readOnly.resolve("run") + ": cannot write in " + readOnly
                + " (Read-only file system)", fineTune.err().strip());

        Path disk = mount("disk", "size=4m");
        Path run = disk.resolve("run");
        assertEquals(0, Cli.run(demo(run, "--max-steps", "10")).code());
        remount(disk, "remount,ro");
        Cli.Outcome resume = Cli.run("resume", run.toString(), "--max-steps", "20");
        assertEquals(2, resume.code(), resume.err());
        assertEquals("trainer: error: cannot write " + run.resolve(".lock") + ": Read-only file system",
                resume.err().strip());
    }

    private Path mount(String name, String options) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        assumeTrue(exec("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()) == 0,
                "cannot mount a tmpfs here (not root?)");
        mounts.add(dir);
        return dir;
    }

    private static void remount(Path dir, String options) {
        assertEquals(0, exec("mount", "-o", options, dir.toString()), "mount -o " + options + " " + dir);
    }

    @AfterEach
    void unmount() {
        for (Path dir : mounts.reversed()) {
            exec("umount", dir.toString());
        }
    }

    private static int exec(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static List<Path> temporaries(Path run) throws IOException {
        try (Stream<Path> all = Files.walk(run)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
