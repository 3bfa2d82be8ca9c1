package dev.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.cli.Cli;
import dev.trainer.cli.TrainerCommand;
import dev.trainer.distributed.Mpirun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainer fine-tune} and {@code trainer cv} as a user runs them on a cluster: jobs of two
 * ranks under Open MPI's {@code mpirun} (skipped when it is not installed), each rank a JVM running
 * the command line, on the digits demo without Dropout. {@code -q} keeps mpirun's own banners out.
 */
@Tag("slow")
class MpirunFineTuneTest {

    private static final Path DIGITS = Path.of("../models/digits");
    /** Far beyond a healthy job's seconds; a rank left waiting in a collective would hang forever. */
    private static final long TIMEOUT_SECONDS = 300;
    /** The in-process ranks' bound ({@code DataParallelRunTest}): float32 summation order, a few dozen steps on. */
    private static final double TOLERANCE = 1e-6;

    @TempDir
    Path tmp;

    private static String[] fineTune(Path out, String... more) {
        return Stream.concat(Stream.of("fine-tune", "--model", DIGITS.resolve("model.onnx").toString(),
                "--train", DIGITS.resolve("train.csv").toString(), "--val", DIGITS.resolve("val.csv").toString(),
                "--out", out.toString(), "--no-dropout", "--seed", "7", "--lr-schedule", "cosine"), Stream.of(more))
                .toArray(String[]::new);
    }

    @Test
    void twoRanksOfSixteenEndWithTheParametersOfOneProcessOfThirtyTwo() throws Exception {
        Path single = tmp.resolve("single");
        Path parallel = tmp.resolve("parallel");
        Cli.Outcome alone = Cli.run(fineTune(single, "--epochs", "2", "--batch-size", "32"));
        assertEquals(0, alone.code(), alone.err());

        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, TrainerCommand.class, TIMEOUT_SECONDS,
                fineTune(parallel, "--epochs", "2", "--batch-size", "16"));

        assertEquals(0, job.exitCode(), job.toString());
        double difference = ExportedParameters.relativeDifference(parallel.resolve("model.onnx"), single.resolve("model.onnx"));
        assertTrue(difference <= TOLERANCE, "parameters differ by " + difference + " of the largest");
        assertEquals(List.of(), job.stderrLines(), job.toString());
        assertEquals(1, occurrences(job.stdout(), "data-parallel over Open MPI v"), job.toString());
        assertTrue(job.stdout().contains(", 2 ranks: batch 16 per rank, effective batch 32\n"), job.toString());
        assertEquals(1, occurrences(job.stdout(), "epoch   2  train_loss"), "rank 0 alone prints: " + job);
        assertEquals(1, occurrences(job.stdout(), "fine-tuned model: "), job.toString());
        try (Stream<Path> files = Files.list(parallel)) {
            assertEquals(List.of(".lock", "artifacts", "checkpoints", "metrics.jsonl", "model.onnx", "run.json",
                            "training.png"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        JsonNode parallelism = new ObjectMapper().readTree(parallel.resolve("run.json").toFile()).path("data_parallel");
        assertEquals(2, parallelism.path("ranks").asInt());
        assertEquals(32, parallelism.path("effective_batch").asInt());
        assertTrue(parallelism.path("threads_per_rank").asInt() >= 1, parallelism.toString());
        assertEquals(steps(single), steps(parallel), "the same steps: of 32 samples, at the same rates");
    }

    @Test
    void aKilledRankEndsTheJobPromptlyAndCleanly() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "finds the rank's process through /proc");
        Path out = tmp.resolve("run");
        Mpirun.Job job = Mpirun.start(List.of(), 2, TrainerCommand.class, fineTune(out, "--epochs", "1000"));
        Path metrics = out.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
        while (!(Files.exists(metrics) && Files.readString(metrics).contains("\"event\":\"epoch\""))) {
            assertTrue(job.process().isAlive() && System.nanoTime() < deadline, "the job never reached its first epoch");
            Thread.sleep(200);
        }
        ProcessHandle rankOne = rank(job.process(), 1).orElseThrow(() -> new AssertionError("no rank 1 process"));
        long killed = System.nanoTime();
        rankOne.destroyForcibly();

        Mpirun.Outcome outcome = job.await(TIMEOUT_SECONDS);
        double seconds = (System.nanoTime() - killed) / 1e9;
        assertNotEquals(0, outcome.exitCode(), outcome.toString());
        assertTrue(seconds < 30, "the job took " + seconds + " s to end after the kill");
        assertTrue(outcome.stderr().contains("rank 1") && outcome.stderr().contains("signal 9"), outcome.toString());
        assertFalse((outcome.stdout() + outcome.stderr()).contains("Exception"), outcome.toString());
        assertEquals(0, job.process().descendants().filter(ProcessHandle::isAlive).count(), "no rank is left running");
    }

    @Test
    void cvRunsItsFoldsOnBothRanksAndRankZeroReportsThem() throws Exception {
        String[] cv = {"cv", "--model", DIGITS.resolve("model.onnx").toString(), "--train",
                DIGITS.resolve("train.csv").toString(), "--folds", "3", "--epochs", "1", "--threads", "1", "--out"};
        Cli.Outcome alone = Cli.run(concat(cv, tmp.resolve("single").toString()));
        assertEquals(0, alone.code(), alone.err());

        Path parallel = tmp.resolve("parallel");
        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, TrainerCommand.class, TIMEOUT_SECONDS,
                concat(cv, parallel.toString()));

        assertEquals(0, job.exitCode(), job.toString());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(tmp.resolve("single/cv.json").toFile()), json.readTree(parallel.resolve("cv.json").toFile()),
                "each fold is the single process's run, whichever rank ran it");
        for (int k = 1; k <= 3; k++) {
            assertTrue(Files.isRegularFile(parallel.resolve("fold-" + k + "/model.onnx")), "fold " + k);
        }
        assertTrue(job.stdout().contains("== fold 1 of 3 ==") && job.stdout().contains("== fold 3 of 3 =="), job.toString());
        assertFalse(job.stdout().contains("== fold 2 of 3 =="), "rank 1's fold runs silently: " + job);
        assertEquals(1, occurrences(job.stdout(), "\nmean  "), job.toString());
        assertEquals(List.of(), job.stderrLines(), job.toString());
    }

    @Test
    void aDivergedLossEndsEveryRankWithOneMessageAndRankZerosDiagnosis() throws Exception {
        Path out = tmp.resolve("run");
        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, TrainerCommand.class, TIMEOUT_SECONDS,
                fineTune(out, "--epochs", "2", "--optimizer", "sgd", "--lr", "1e30"));

        assertEquals(1, job.exitCode(), job.toString());
        assertEquals(1, job.stderrLines().size(), job.toString());
        assertTrue(job.stderrLines().getFirst().startsWith("trainer: error: training failed: the loss became"),
                job.toString());
        assertEquals(1, occurrences(job.stdout(), "CRITICAL: divergence"), job.toString());
        assertTrue(Files.isRegularFile(out.resolve("metrics.jsonl")) && Files.isRegularFile(out.resolve("training.png")));
        assertFalse(Files.exists(out.resolve("model.onnx")), "no model from a failed run");
    }

    @Test
    void badInputOnEveryRankIsOneLineAndNothingIsWritten() throws Exception {
        Path out = tmp.resolve("run");
        String[] args = fineTune(out, "--epochs", "1");
        args[4] = tmp.resolve("no-such.csv").toString();

        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, TrainerCommand.class, TIMEOUT_SECONDS, args);

        assertEquals(2, job.exitCode(), job.toString());
        assertEquals(1, job.stderrLines().size(), job.toString());
        assertTrue(job.stderrLines().getFirst().startsWith("trainer: error: ")
                && job.stderrLines().getFirst().contains("no-such.csv"), job.toString());
        assertFalse(Files.exists(out), "nothing written");
    }

    /** Each step's number, learning rate and samples, from a run's metrics.jsonl. */
    private static List<String> steps(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> steps = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode event = json.readTree(line);
            if (event.path("event").asText().equals("step")) {
                steps.add(event.path("step") + " " + event.path("lr") + " " + event.path("samples"));
            }
        }
        return steps;
    }

    /** The process of the job's rank {@code rank}, found by the rank Open MPI put in its environment. */
    private static Optional<ProcessHandle> rank(Process mpirun, int rank) {
        return mpirun.descendants().filter(p -> environment(p).contains("\0OMPI_COMM_WORLD_RANK=" + rank + "\0"))
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).findFirst();
    }

    private static String environment(ProcessHandle process) {
        try {
            return "\0" + new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ")),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static String[] concat(String[] a, String b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = b;
        return all;
    }
}
