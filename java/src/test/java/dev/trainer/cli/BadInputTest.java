package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line on stderr, exit code 2, and no model written. */
class BadInputTest {

    private static final Path DEMO = Path.of("../models/digits");

    @TempDir
    Path tmp;

    private record Outcome(int code, String err) {
    }

    private Outcome fineTune(String... extra) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] args = new String[extra.length + 1];
            args[0] = "fine-tune";
            System.arraycopy(extra, 0, args, 1, extra.length);
            return new Outcome(TrainerCommand.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    private void assertBadInput(Outcome o, String mentions, Path out) {
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(mentions), o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
        assertFalse(Files.exists(out.resolve("model.onnx")));
    }

    @Test
    void missingModel() {
        Path out = tmp.resolve("run");
        assertBadInput(fineTune("--model", tmp.resolve("nope.onnx").toString(), "--train", DEMO.resolve("train.csv").toString(),
                "--out", out.toString()), "model file not found", out);
    }

    @Test
    void corruptModel() throws Exception {
        Path model = Files.writeString(tmp.resolve("bad.onnx"), "this is not protobuf at all, just text");
        Path out = tmp.resolve("run");
        assertBadInput(fineTune("--model", model.toString(), "--train", DEMO.resolve("train.csv").toString(),
                "--out", out.toString()), "ONNX model", out);
    }

    @Test
    void dataThatDoesNotFitTheModel() throws Exception {
        Path data = Files.writeString(tmp.resolve("small.csv"), "a,b,label\n1,2,0\n3,4,1\n");
        Path out = tmp.resolve("run");
        assertBadInput(fineTune("--model", DEMO.resolve("model.onnx").toString(), "--train", data.toString(),
                "--out", out.toString()), "64", out);
    }

    @Test
    void labelOutOfRange() throws Exception {
        String header = String.join(",", java.util.stream.IntStream.range(0, 64).mapToObj(i -> "px" + i).toList());
        String row = String.join(",", java.util.Collections.nCopies(64, "1"));
        Path data = Files.writeString(tmp.resolve("labels.csv"), header + ",label\n" + row + ",3\n" + row + ",12\n");
        Path out = tmp.resolve("run");
        assertBadInput(fineTune("--model", DEMO.resolve("model.onnx").toString(), "--train", data.toString(),
                "--out", out.toString()), "out of range", out);
    }

    @Test
    void nanFeature() throws Exception {
        String header = String.join(",", java.util.stream.IntStream.range(0, 64).mapToObj(i -> "px" + i).toList());
        String row = String.join(",", java.util.Collections.nCopies(63, "1"));
        Path data = Files.writeString(tmp.resolve("nan.csv"), header + ",label\n" + row + ",NaN,3\n");
        Path out = tmp.resolve("run");
        assertBadInput(fineTune("--model", DEMO.resolve("model.onnx").toString(), "--train", data.toString(),
                "--out", out.toString()), "line 2", out);
    }

    @Test
    void nonEmptyOutputFolderIsLeftAlone() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Path existing = Files.writeString(out.resolve("keep.txt"), "mine");
        assertBadInput(fineTune("--model", DEMO.resolve("model.onnx").toString(), "--train", DEMO.resolve("train.csv").toString(),
                "--out", out.toString()), "not empty", out);
        assertEquals("mine", Files.readString(existing));
    }

    @Test
    void unknownOptimizerIsAUsageError() {
        Path out = tmp.resolve("run");
        Outcome o = fineTune("--model", DEMO.resolve("model.onnx").toString(), "--train", DEMO.resolve("train.csv").toString(),
                "--out", out.toString(), "--optimizer", "rmsprop");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("rmsprop"), o.err());
        assertFalse(Files.exists(out));
    }
}
