package dev.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.Data;
import dev.trainer.FineTuning;
import dev.trainer.TrainingFailedException;
import dev.trainer.badinput.BadModels;
import dev.trainer.cli.Cli;
import dev.trainer.config.RunConfig;
import dev.trainer.config.TextConfig;
import dev.trainer.events.NoteEvent;
import dev.trainer.events.StepEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of memory is one line with the sizes involved and the flags that help: bad input
 * (nothing written) before training, a failed run during it, never a stack trace.
 */
class MemoryShortageTest {

    private static final Path TRAIN = Path.of("../models/digits/train.csv");

    @TempDir
    Path dir;

    @Test
    void nativeAllocationsNameTheirSize() {
        RunConfig config = RunConfig.defaults(Path.of("m.onnx"));

        String line = MemoryShortage.describe(new OutOfMemoryError("Unable to allocate 549755813680 bytes"), config);

        assertTrue(line.startsWith("out of memory: Unable to allocate 549755813680 bytes (512.0 GiB); the Java heap may"
                + " grow to "), line);
        assertTrue(line.endsWith("; batches of 32 samples; try a smaller --batch-size"), line);
    }

    @Test
    void textRunsAlsoNameTheMaxLength() {
        RunConfig config = RunConfig.defaults(Path.of("m.onnx")).with(new TextConfig(null, 256));
        RunConfig text = config.with(new dev.trainer.config.DataConfig(Path.of("t.jsonl"), null, 0, "label", null, null));

        String line = MemoryShortage.describe(new OutOfMemoryError("Java heap space"), text);

        assertTrue(line.endsWith("; batches of 32 samples of up to 256 tokens; try a smaller --batch-size or --max-length,"
                + " or a larger heap (JAVA_TOOL_OPTIONS=-Xmx...)"), line);
    }

    @Test
    void beforeTrainingItIsBadInputAndNothingIsWritten() {
        Path run = dir.resolve("run");
        FineTuning fineTuning = FineTuning.of(BadModels.DIGITS).train(Data.file(TRAIN)).listener((event, control) -> {
            if (event instanceof NoteEvent) {
                throw new OutOfMemoryError("Java heap space");
            }
        });

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fineTuning.run(run));

        assertTrue(e.getMessage().startsWith("out of memory: Java heap space; the Java heap may grow to "), e.getMessage());
        assertFalse(Files.exists(run));
    }

    @Test
    void duringTrainingTheRunFails() {
        Path run = dir.resolve("run");
        FineTuning fineTuning = FineTuning.of(BadModels.DIGITS).train(Data.file(TRAIN)).listener((event, control) -> {
            if (event instanceof StepEvent) {
                throw new OutOfMemoryError("Unable to allocate 1099511627776 bytes");
            }
        });

        TrainingFailedException e = assertThrows(TrainingFailedException.class, () -> fineTuning.run(run));

        assertTrue(e.getMessage().startsWith("out of memory: Unable to allocate 1099511627776 bytes (1.0 TiB)"), e.getMessage());
        assertTrue(Files.exists(run.resolve("metrics.jsonl")), "the run's record is kept");
    }

    /** ONNX Runtime cannot allocate the model's intermediate: the command fails in one line, exit 1. */
    @Test
    void onnxRuntimeRunningOutFailsTheRunInOneLine() {
        Path model = BadModels.needsTerabytes(dir.resolve("terabytes.onnx"));

        Cli.Outcome o = Cli.run("fine-tune", "--model", model.toString(), "--train", TRAIN.toString(), "--out",
                dir.resolve("run").toString(), "--max-steps", "1");

        assertEquals(1, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().matches("trainer: error: training failed: out of memory: ONNX Runtime: .*Failed to allocate"
                + " memory.* \\([0-9.]+ [TP]iB\\).*; batches of 32 samples; try a smaller --batch-size\\s*"), o.err());
    }
}
