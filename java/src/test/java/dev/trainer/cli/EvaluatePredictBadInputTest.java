package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code evaluate} and {@code predict}: exit code 2, one line on stderr, no file written. */
class EvaluatePredictBadInputTest {

    @TempDir
    Path tmp;

    private void assertBadInput(Cli.Outcome o, String mentions) throws Exception {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertTrue(o.err().startsWith("trainer: error: "), o.err());
        assertTrue(o.err().contains(mentions), o.err());
        assertEquals("", o.out());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "nothing written");
        }
    }

    @Test
    void evaluateMissingData() throws Exception {
        assertBadInput(Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(), "--data",
                tmp.resolve("absent.csv").toString()), "does not exist");
    }

    @Test
    void evaluateUnknownDataFormat() throws Exception {
        assertBadInput(Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(), "--data",
                DigitsDemo.FOLDER.resolve("README.md").toString()), "unknown data format");
    }

    @Test
    void evaluateMissingModel() throws Exception {
        assertBadInput(Cli.run("evaluate", "--model", tmp.resolve("absent.onnx").toString(), "--data",
                DigitsDemo.VAL.toString()), "model file not found");
    }

    @Test
    void evaluateLabelsBeyondTheModelsClasses() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        String header = String.join(",", java.util.stream.IntStream.range(0, 64).mapToObj(i -> "px" + i).toList());
        String row = String.join(",", java.util.Collections.nCopies(64, "1"));
        Path csv = Files.writeString(data.resolve("labels.csv"), header + ",label\n" + row + ",12\n");
        Cli.Outcome o = Cli.run("evaluate", "--model", DigitsDemo.MODEL.toString(), "--data", csv.toString());
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().contains("out of range"), o.err());
    }

    @Test
    void predictMissingData() throws Exception {
        assertBadInput(Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data",
                tmp.resolve("absent.csv").toString(), "--out", tmp.resolve("P.csv").toString()), "does not exist");
    }

    @Test
    void predictOutputOfUnknownFormat() throws Exception {
        assertBadInput(Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--out", tmp.resolve("P.txt").toString()), "--out must end in .csv or .npz");
    }

    @Test
    void predictMissingModel() throws Exception {
        assertBadInput(Cli.run("predict", "--model", tmp.resolve("absent.onnx").toString(), "--data",
                DigitsDemo.VAL.toString(), "--out", tmp.resolve("P.npz").toString()), "model file not found");
    }

    @Test
    void predictIntoAMissingFolder() throws Exception {
        assertBadInput(Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--out", tmp.resolve("no/such/folder/P.csv").toString()), "no/such/folder");
    }

    @Test
    void predictDataThatDoesNotFitTheModel() throws Exception {
        Path data = Files.writeString(Files.createTempFile("small", ".csv"), "a,b,label\n1,2,0\n");
        try {
            assertBadInput(Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data", data.toString(),
                    "--out", tmp.resolve("P.csv").toString()), "64");
        } finally {
            Files.delete(data);
        }
    }
}
