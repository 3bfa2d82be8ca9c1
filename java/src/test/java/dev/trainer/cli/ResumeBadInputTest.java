package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.checkpoint.CheckpointFolder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code trainer resume} refuses, each with exit code 2 and one line naming the problem,
 * leaving the run's files as they were: a truncated, corrupted or other-version checkpoint, one of
 * another model, a folder that is not a run, options that would change the result, a shorter run.
 */
class ResumeBadInputTest {

    private static final Path DIGITS = Path.of("../models/digits");

    @TempDir
    Path tmp;

    private Path run;
    private Path checkpoint;

    /** 25 steps of the demo, a checkpoint every 10 and at the end, only the last kept: step 25's. */
    @BeforeEach
    void stoppedRun() {
        run = tmp.resolve("run");
        fineTune(run, DIGITS.resolve("model.onnx"), "--max-steps", "25", "--keep-last", "1");
        List<Path> files = new CheckpointFolder(run.resolve("checkpoints")).list();
        assertEquals(1, files.size(), files.toString());
        checkpoint = files.getFirst();
        assertEquals(25, CheckpointFolder.step(checkpoint));
    }

    private static void fineTune(Path out, Path model, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("fine-tune", "--out", out.toString(), "--model",
                model.toString(), "--train", DIGITS.resolve("train.csv").toString(), "--save-every", "10", "--threads", "1"));
        args.addAll(List.of(more));
        Cli.Outcome outcome = Cli.run(args.toArray(String[]::new));
        assertEquals(0, outcome.code(), outcome.err());
    }

    @Test
    void aTruncatedCheckpoint() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(checkpoint.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        refused(checkpoint + " is truncated: it ends before its last section", "--max-steps", "40");
    }

    @Test
    void aCorruptedCheckpoint() throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(checkpoint, bytes);
        String line = refused(null, "--max-steps", "40");
        assertTrue(line.matches("trainer: error: \\Q" + checkpoint + "\\E is corrupt: section [A-Z0-9]{4} fails its CRC-32C check"),
                line);
    }

    @Test
    void aCheckpointOfAnotherFormatVersion() throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[8] = 99;
        Files.write(checkpoint, bytes);
        refused(checkpoint + " is a checkpoint of format version 99; this trainer reads version 1 (resume it with the"
                + " trainer that wrote it)", "--max-steps", "40");
    }

    @Test
    void aCheckpointOfAnotherModel() throws IOException {
        Path other = tmp.resolve("other");
        fineTune(other, Path.of("src/test/resources/fixtures/mlp/model.onnx"), "--max-steps", "30");
        Path foreign = new CheckpointFolder(run.resolve("checkpoints")).fileFor(30);
        Files.copy(new CheckpointFolder(other.resolve("checkpoints")).fileFor(30), foreign, StandardCopyOption.COPY_ATTRIBUTES);
        String line = refused(null, "--max-steps", "40");
        assertTrue(line.startsWith("trainer: error: " + foreign + " was written for another model than "
                + DIGITS.resolve("model.onnx") + " (sha256 "), line);
    }

    @Test
    void notARunFolder() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli.Outcome outcome = Cli.run("resume", empty.toString());
        assertEquals(2, outcome.code());
        assertEquals("trainer: error: " + empty + " is not a run folder (it has no run.json)\n", outcome.err());
    }

    @Test
    void optionsThatWouldChangeTheResult() {
        refused("--lr, --batch-size would each change the run's result; resume goes on with the settings " + run
                + "/run.json records (only --epochs and --max-steps may be raised; start a new fine-tune to change the"
                + " others)", "--lr", "0.1", "--batch-size=8");
    }

    @Test
    void recomputationStaysAsRecorded() {
        // segments changes some models' gradients in the last float32 bit: the run would not end bit for
        // bit as it would have uninterrupted
        refused("--recompute would change the run's result; resume goes on with the settings " + run
                + "/run.json records (only --epochs and --max-steps may be raised; start a new fine-tune to change the"
                + " others)", "--recompute", "segments");
    }

    @Test
    void aShorterRun() {
        refused("--max-steps 20 would shorten the run (its limit is 25): resume may only raise it, or lift it with 0",
                "--max-steps", "20");
        refused("--epochs 4 is fewer than the run's 5: resume may only raise it", "--epochs", "4");
    }

    @Test
    void aCompletedRunNeedsMoreToDo() {
        refused(run + " already completed (5 epochs, step 25); give --epochs above 5 to train on");
    }

    /** With an older good checkpoint beside a damaged newest one, resume goes back to the older one and says so. */
    @Test
    void aDamagedNewestCheckpointIsPassedOverForTheOneBefore() throws IOException {
        Path newer = new CheckpointFolder(run.resolve("checkpoints")).fileFor(26);
        Files.writeString(newer, "not a checkpoint at all");
        Cli.Outcome outcome = Cli.run("resume", run.toString(), "--max-steps", "30");
        assertEquals(0, outcome.code(), outcome.err());
        assertTrue(outcome.out().contains("passing over " + newer + " is not a trainer checkpoint"), outcome.out());
        assertTrue(outcome.out().contains("resumed from " + checkpoint + " (epoch 1, step 25)"), outcome.out());
    }

    /** Resume exits 2 with one line (the expected one unless {@code null}) and leaves the checkpoints and run.json be. */
    private String refused(String expected, String... options) {
        try {
            byte[] record = Files.readAllBytes(run.resolve("run.json"));
            byte[] saved = Files.readAllBytes(checkpoint);
            String[] args = new String[options.length + 2];
            args[0] = "resume";
            args[1] = run.toString();
            System.arraycopy(options, 0, args, 2, options.length);
            Cli.Outcome outcome = Cli.run(args);
            assertEquals(2, outcome.code(), outcome.err());
            assertEquals(1, outcome.err().lines().count(), "one line:\n" + outcome.err());
            if (expected != null) {
                assertEquals("trainer: error: " + expected, outcome.err().strip());
            }
            assertArrayEquals(record, Files.readAllBytes(run.resolve("run.json")), "run.json untouched");
            assertArrayEquals(saved, Files.readAllBytes(checkpoint), "the checkpoint untouched");
            assertTrue(!Files.exists(run.resolve("model.onnx.tmp")));
            return outcome.err().strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
