package dev.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.RuntimeConfig;
import dev.trainer.events.StepEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API's resume: a run a listener interrupts mid-epoch leaves a checkpoint and no model,
 * and {@code FineTuning.resume(dir)} ends it with the uninterrupted run's model, byte for byte.
 */
class ResumeApiTest {

    private static final Path DIGITS = Path.of("../models/digits");

    @TempDir
    Path tmp;

    private static FineTuning digits() {
        return FineTuning.of(DIGITS.resolve("model.onnx")).train(Data.file(DIGITS.resolve("train.csv")))
                .optimizer(Optimizers.adam(0.003)).epochs(2).configure(c -> c.with(new RuntimeConfig(c.runtime().device(), 1)));
    }

    @Test
    void aRunInterruptedByAListenerResumesToTheUninterruptedModel() throws IOException {
        FineTuningResult whole = digits().run(tmp.resolve("whole"));
        assertEquals(RunStatus.COMPLETED, whole.status());

        Path dir = tmp.resolve("interrupted");
        FineTuningResult stopped = digits().listener((event, control) -> {
            if (event instanceof StepEvent s && s.step() == 45) {
                control.interrupt("enough for now");
            }
        }).run(dir);
        assertEquals(RunStatus.INTERRUPTED, stopped.status());
        assertEquals(45, stopped.steps());
        assertTrue(Files.isRegularFile(stopped.checkpoint()), "a checkpoint of step 45: " + stopped.checkpoint());
        assertFalse(Files.exists(dir.resolve("model.onnx")), "an interrupted run exports nothing");

        FineTuningResult resumed = FineTuning.resume(dir).run();
        assertEquals(RunStatus.COMPLETED, resumed.status());
        assertEquals(whole.steps(), resumed.steps());
        assertArrayEquals(Files.readAllBytes(whole.model()), Files.readAllBytes(resumed.model()));

        FineTuningResult longer = FineTuning.resume(dir).epochs(3).run();
        assertEquals(3, longer.epochs());
        assertEquals(96, longer.steps(), "a completed run trains on for the epochs added");
        assertThrows(IllegalArgumentException.class, () -> FineTuning.resume(dir).epochs(2).run(),
                "fewer epochs than the run has");
    }
}
