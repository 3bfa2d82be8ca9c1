package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose loss is NaN: one sample of finite but huge features (3e38) overflows the MLP's
 * first layer to infinity and its second to NaN. By default the step is skipped and the learning
 * rate halved from then on; {@code --on-nonfinite stop} stops the run as diverged. The halving is
 * part of the checkpoint: a run resumed after it ends where the uninterrupted one does.
 */
class NonFiniteStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MLP = Path.of("src/test/resources/fixtures/mlp/model.onnx");

    @TempDir
    Path tmp;

    private Path data;

    /** The digits training data with one poisoned sample inserted as the 41st. */
    @BeforeEach
    void poisonedData() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("../models/digits/train.csv")));
        String label = lines.get(41).substring(lines.get(41).lastIndexOf(',') + 1);
        lines.add(41, String.join(",", Collections.nCopies(64, "3e38")) + "," + label);
        data = Files.write(tmp.resolve("poisoned.csv"), lines);
    }

    private String[] fineTune(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("fine-tune", "--out", out.toString(), "--model", MLP.toString(),
                "--train", data.toString(), "--epochs", "2", "--seed", "1", "--threads", "1"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aNanStepIsSkippedAndTheLearningRateHalvedFromThenOn() throws IOException {
        Path run = tmp.resolve("skip");
        Cli.Outcome outcome = Cli.run(fineTune(run));
        assertEquals(0, outcome.code(), outcome.err());
        assertTrue(outcome.out().contains("the loss became NaN at step 14 (epoch 1): skipped the step; the learning rate"
                + " is now x0.5 of the schedule's"), outcome.out());
        assertTrue(outcome.out().contains("the loss became NaN at step 43 (epoch 2): skipped the step; the learning rate"
                + " is now x0.25 of the schedule's"), outcome.out());
        Map<Long, Double> lr = rates(run);
        assertEquals(0.001, lr.get(14L), "the skipped step ran at the full rate");
        assertEquals(0.0005, lr.get(15L));
        assertEquals(0.0005, lr.get(43L));
        assertEquals(0.00025, lr.get(44L));
        assertEquals("completed", JSON.readTree(run.resolve("run.json").toFile()).path("status").asText());
        assertTrue(Files.exists(run.resolve("model.onnx")));
    }

    @Test
    void onNonFiniteStopEndsTheRunAsDiverged() throws IOException {
        Path run = tmp.resolve("stop");
        Cli.Outcome outcome = Cli.run(fineTune(run, "--on-nonfinite", "stop"));
        assertEquals(1, outcome.code(), outcome.err());
        assertEquals(1, outcome.err().lines().count(), outcome.err());
        assertTrue(outcome.err().startsWith("trainer: error: training failed: the loss became NaN at step 14 (epoch 1)"),
                outcome.err());
        assertEquals("diverged", JSON.readTree(run.resolve("run.json").toFile()).path("status").asText());
        assertFalse(Files.exists(run.resolve("model.onnx")));
    }

    /** Stopped at step 20, after the first halving, and resumed: the second halving and the model are the same. */
    @Test
    void theHalvedRateIsResumedExactly() throws IOException {
        Path whole = tmp.resolve("whole");
        assertEquals(0, Cli.run(fineTune(whole)).code());
        Path split = tmp.resolve("split");
        assertEquals(0, Cli.run(fineTune(split, "--max-steps", "20")).code());
        Cli.Outcome resumed = Cli.run("resume", split.toString(), "--max-steps", "0");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(rates(whole), rates(split));
        assertArrayEquals(Files.readAllBytes(whole.resolve("model.onnx")), Files.readAllBytes(split.resolve("model.onnx")));
    }

    /** Each step's learning rate, by step. */
    private static Map<Long, Double> rates(Path run) throws IOException {
        Map<Long, Double> rates = new TreeMap<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if (event.path("event").asText().equals("step")) {
                rates.put(event.path("step").asLong(), event.path("lr").asDouble());
            }
        }
        return rates;
    }
}
