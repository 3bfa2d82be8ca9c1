package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, defects 1 and 7, through the command line as a user runs it: a repeated option takes
 * its last value and resets nothing else (the run's record says what was used), and a batch size
 * beyond the data takes the whole set each step instead of asking for terabytes.
 */
class RepeatedOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyRepeatedOptionTakesItsLastValue() throws Exception {
        Path run = dir.resolve("run");
        Cli.Outcome o = Cli.run("fine-tune", "--model", dir.resolve("first.onnx").toString(), "--model",
                DigitsDemo.MODEL.toString(), "--train", DigitsDemo.VAL.toString(), "--out", run.toString(),
                "--optimizer", "sgd", "--lr", "0.1", "--lr", "0.2", "--batch-size", "16", "--epochs", "1", "--epochs", "1",
                "--max-steps", "2");

        assertEquals(0, o.code(), o.err());
        JsonNode config = JSON.readTree(run.resolve("run.json").toFile()).path("config");
        assertEquals("sgd", config.path("optimizer").path("kind").asText());
        assertEquals(0.2, config.path("optimizer").path("learning_rate").asDouble());
        assertEquals(16, config.path("loop").path("batch_size").asInt());
        assertEquals(1, config.path("loop").path("epochs").asInt());
        assertTrue(config.path("model").path("file").asText().endsWith("digits/model.onnx"), config.toString());
    }

    @Test
    void aBatchBeyondTheDataTakesItAllEachStep() throws Exception {
        Path run = dir.resolve("run");
        Cli.Outcome o = Cli.run("fine-tune", "--model", DigitsDemo.MODEL.toString(), "--train", DigitsDemo.VAL.toString(),
                "--out", run.toString(), "--batch-size", "2147483647", "--epochs", "2");

        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("--batch-size 2147483647 is more than the " + DigitsDemo.VAL_ROWS
                + " samples of an epoch: each step takes all of them"), o.out());
        long steps = java.nio.file.Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"event\":\"step\"")).peek(l -> assertTrue(l.contains("\"samples\":"
                        + DigitsDemo.VAL_ROWS), l)).count();
        assertEquals(2, steps, "one step an epoch");
    }
}
