package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.checkpoint.CheckpointFolder;
import dev.trainer.sinks.tensorboard.EventFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL mid-epoch and resumed ends with the same model, byte for byte, and the
 * same step losses as the run left alone; SIGINT and SIGTERM stop it with a checkpoint, the way to
 * resume and the shell's exit codes; a second process cannot write into a folder in use. The runs
 * to interrupt are real {@code trainer} processes (a JVM of their own); the rest run in-process.
 */
class ResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIGITS = Path.of("../models/digits");
    private static final Path BERT = Path.of("src/test/resources/fixtures/bert_tiny_export_style");

    @TempDir
    Path tmp;

    /** Two epochs of the shipped demo, a checkpoint every 10 of its 64 steps. */
    private static String[] digits(String... more) {
        return concat(new String[] {"--model", DIGITS.resolve("model.onnx").toString(), "--train",
                DIGITS.resolve("train.csv").toString(), "--val", DIGITS.resolve("val.csv").toString(), "--epochs", "2",
                "--lr", "0.003", "--save-every", "10"}, more);
    }

    @Test
    void theDemoKilledMidEpochResumesToTheSameModel() throws Exception {
        killedAndResumedEqualsUninterrupted(digits(), 40);
    }

    /** A transformer with 8 active Dropout nodes: every step's masks are drawn again identically after the resume. */
    @Test
    @Tag("slow")
    void aModelWithActiveDropoutKilledMidEpochResumesToTheSameModel() throws Exception {
        String[] args = {"--model", BERT.resolve("model.onnx").toString(), "--train", BERT.resolve("train.npz").toString(),
                "--epochs", "12", "--batch-size", "4", "--lr", "0.01", "--save-every", "5"};
        killedAndResumedEqualsUninterrupted(args, 30);
    }

    @Test
    @Tag("slow")
    void aBalancedSamplerWithMixupKilledMidEpochResumesToTheSameModel() throws Exception {
        killedAndResumedEqualsUninterrupted(digits("--sampler", "balanced", "--mixup", "0.2"), 40);
    }

    @Test
    void sigintWritesACheckpointSaysHowToResumeAndExits130() throws Exception {
        Path run = tmp.resolve("interrupted");
        try (ChildTrainer child = ChildTrainer.start(tmp.resolve("logs"), "int", concat(new String[] {"fine-tune",
                "--out", run.toString()}, digits()))) {
            int code = child.awaitFile(checkpoint(run, 20), 120).signal("INT").exitCode(60);
            assertEquals(130, code, child.stderr());
            String err = child.stderr();
            assertTrue(err.contains("resume with: trainer resume " + run), err);
            assertEquals("interrupted", status(run));
            assertFalse(Files.exists(run.resolve("model.onnx")), "an interrupted run exports nothing");
            long step = runJson(run).path("checkpoint").path("step").asLong();
            assertTrue(step >= 20 && step < 64, "the checkpoint of the step it stopped at: " + step);
            assertTrue(Files.exists(checkpoint(run, step)));
        }
        Path whole = uninterrupted(digits());
        assertEquals(0, Cli.run("resume", run.toString()).code());
        assertSameRun(whole, run);
    }

    @Test
    @Tag("slow")
    void sigtermExits143() throws Exception {
        Path run = tmp.resolve("terminated");
        try (ChildTrainer child = ChildTrainer.start(tmp.resolve("logs"), "term", concat(new String[] {"fine-tune",
                "--out", run.toString()}, digits()))) {
            assertEquals(143, child.awaitFile(checkpoint(run, 10), 120).signal("TERM").exitCode(60), child.stderr());
            assertEquals("interrupted", status(run));
        }
    }

    /** The second Ctrl-C exits at once; every file is whole (the atomic writes), and the run still resumes exactly. */
    @Test
    @Tag("slow")
    void aSecondSigintExitsAtOnceAndCorruptsNothing() throws Exception {
        Path run = tmp.resolve("twice");
        try (ChildTrainer child = ChildTrainer.start(tmp.resolve("logs"), "twice", concat(new String[] {"fine-tune",
                "--out", run.toString()}, digits()))) {
            child.awaitFile(checkpoint(run, 20), 120).signalTwice("INT");
            assertEquals(130, child.exitCode(60), child.stderr());
        }
        runJson(run);
        for (Path file : new CheckpointFolder(run.resolve("checkpoints")).list()) {
            Checkpoint.read(file);
        }
        Path whole = uninterrupted(digits());
        assertEquals(0, Cli.run("resume", run.toString()).code());
        assertSameRun(whole, run);
        assertEquals(List.of(), temporaries(run), "resume removed what the exit left half-done");
    }

    @Test
    void aSecondWriterIsRefusedNamingTheFirst() throws Exception {
        Path run = tmp.resolve("busy");
        try (ChildTrainer child = ChildTrainer.start(tmp.resolve("logs"), "busy", concat(new String[] {"fine-tune",
                "--out", run.toString()}, digits("--epochs", "50")))) {
            child.awaitFile(checkpoint(run, 10), 120);
            Cli.Outcome resume = Cli.run("resume", run.toString());
            assertEquals(2, resume.code(), resume.err());
            assertEquals("trainer: error: " + run + " is in use by process " + child.pid(), resume.err().lines().findFirst()
                    .orElseThrow().replaceFirst(" \\(.*", ""));
            assertEquals(1, resume.err().lines().count(), resume.err());
            Cli.Outcome again = Cli.run(concat(new String[] {"fine-tune", "--out", run.toString()}, digits()));
            assertEquals(2, again.code(), again.err());
            assertTrue(again.err().contains("is in use by process " + child.pid()), again.err());
        }
    }

    /**
     * A transformer with LoRA adapters (and their Dropout) taking steps of two batches
     * ({@code --grad-accum 2}), stopped mid-epoch by {@code --max-steps} and resumed with the limit
     * lifted: it continues at the window the next step starts and ends with the whole run's model.
     */
    @Test
    void aLoraRunWithGradientAccumulationStoppedMidEpochResumesToTheSameModel() throws IOException {
        String[] args = {"--model", BERT.resolve("model.onnx").toString(), "--train", BERT.resolve("train.npz").toString(),
                "--epochs", "2", "--batch-size", "4", "--grad-accum", "2", "--lora", "4", "--lora-target", "**.dense",
                "--lr", "0.01"};
        Path whole = uninterrupted(args);
        Path split = tmp.resolve("split");
        Cli.Outcome first = Cli.run(concat(concat(new String[] {"fine-tune", "--out", split.toString()}, args),
                "--max-steps", "3"));
        assertEquals(0, first.code(), first.err());
        Cli.Outcome resumed = Cli.run("resume", split.toString(), "--max-steps", "0");
        assertEquals(0, resumed.code(), resumed.err());
        assertSameRun(whole, split);
    }

    /**
     * {@code --report-to csv,tensorboard}: the resumed run's metrics.csv holds every step, as the
     * uninterrupted run's does, and its TensorBoard file starts by hiding the earlier file's steps
     * after the checkpoint.
     */
    @Test
    void aResumedRunsReportsHoldTheWholeRunOnce() throws IOException {
        Path whole = uninterrupted(digits("--report-to", "csv"));
        Path split = tmp.resolve("split");
        Cli.Outcome first = Cli.run(concat(new String[] {"fine-tune", "--out", split.toString()},
                digits("--report-to", "csv,tensorboard", "--max-steps", "40")));
        assertEquals(0, first.code(), first.err());
        Cli.Outcome resumed = Cli.run("resume", split.toString(), "--max-steps", "0");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(csvWithoutTimes(whole), csvWithoutTimes(split));
        List<Path> eventFiles;
        try (Stream<Path> files = Files.list(split.resolve("tb"))) {
            eventFiles = files.sorted().toList();
        }
        assertEquals(2, eventFiles.size(), eventFiles.toString());
        List<Message> restarts = EventFiles.events(eventFiles.get(1)).stream()
                .filter(e -> e.getAllFields().keySet().stream().anyMatch(f -> f.getName().equals("session_log"))).toList();
        assertEquals(1, restarts.size());
        Message restart = restarts.getFirst();
        assertEquals(41L, EventFiles.get(restart, "step"), "the step after the checkpoint of step 40");
        assertEquals("START", EventFiles.get((Message) EventFiles.get(restart, "session_log"), "status").toString());
    }

    /** metrics.csv's rows but the step times, which differ from run to run. */
    private static List<String> csvWithoutTimes(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream().filter(l -> !l.contains(",step_ms,")).toList();
    }

    /** Runs {@code args} whole, in-process, then killed after the checkpoint of {@code killAfter} in a child and resumed. */
    private void killedAndResumedEqualsUninterrupted(String[] args, long killAfter) throws Exception {
        Path whole = uninterrupted(args);
        Path killed = tmp.resolve("killed");
        try (ChildTrainer child = ChildTrainer.start(tmp.resolve("logs"), "killed", concat(new String[] {"fine-tune",
                "--out", killed.toString()}, args))) {
            assertEquals(137, child.awaitFile(checkpoint(killed, killAfter), 120).signal("KILL").exitCode(30));
        }
        assertEquals("running", status(killed), "killed mid-run");
        assertFalse(Files.exists(killed.resolve("model.onnx")), "killed before the end");
        Cli.Outcome resumed = Cli.run("resume", killed.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed from " + killed.resolve("checkpoints")), resumed.out());
        assertSameRun(whole, killed);
    }

    private Path uninterrupted(String[] args) {
        Path whole = tmp.resolve("whole");
        Cli.Outcome outcome = Cli.run(concat(new String[] {"fine-tune", "--out", whole.toString()}, args));
        assertEquals(0, outcome.code(), outcome.err());
        return whole;
    }

    /** The same model bytes, the same loss and rate at every step, and a completed run.json. */
    private static void assertSameRun(Path whole, Path resumed) throws IOException {
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.onnx")), Files.readAllBytes(resumed.resolve("model.onnx")),
                "bit-identical parameters");
        assertEquals(steps(whole), steps(resumed));
        assertEquals("completed", status(resumed));
        assertEquals(runJson(whole).path("result"), runJson(resumed).path("result"));
    }

    /** Each step event's step, loss and learning rate, in file order. */
    private static List<String> steps(Path run) throws IOException {
        List<String> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (event.path("event").asText().equals("step")) {
                steps.add(event.path("step").asText() + " " + event.path("loss").asText() + " " + event.path("lr").asText());
            }
        }
        return steps;
    }

    private static Path checkpoint(Path run, long step) {
        return new CheckpointFolder(run.resolve("checkpoints")).fileFor(step);
    }

    private static String status(Path run) {
        return runJson(run).path("status").asText();
    }

    private static JsonNode runJson(Path run) {
        try {
            return JSON.readTree(run.resolve("run.json").toFile());
        } catch (IOException e) {
            throw new AssertionError("run.json does not read: " + e.getMessage(), e);
        }
    }

    private static List<Path> temporaries(Path run) throws IOException {
        try (Stream<Path> all = Files.walk(run)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
