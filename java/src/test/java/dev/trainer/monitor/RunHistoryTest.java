package dev.trainer.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.events.ClassScores;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.StepEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunHistoryTest {

    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, text);
        return file;
    }

    private String error(String text) throws Exception {
        Path file = write(text);
        String message = assertThrows(MetricsFileException.class, () -> RunHistory.read(file)).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    @Test
    void readsEveryEventKindAndIgnoresWhatItDoesNotKnow() throws Exception {
        RunHistory h = RunHistory.read(write("""
                {"event":"step","epoch":1,"step":1,"loss":2.5,"lr":0.01,"step_ms":3.5,"samples_per_s":900}
                {"event":"step","epoch":1,"step":2,"loss":null,"lr":0.01,"step_ms":1.0}

                {"event":"checkpoint","path":"best.onnx"}
                {"event":"epoch","epoch":1,"train_loss":2.0,"val_loss":2.2,"val_accuracy":0.5,"val_per_class":[{"class":"0","recall":0.9,"support":10},{"class":"1","recall":0,"support":0}],"val_predicted_share":[0.8,0.2]}
                {"event":"epoch","epoch":2,"train_loss":1.5}
                {"event":"layers","step":2,"layers":{"fc1":{"parameters":10,"grad_norm":0.5,"zero_grad_fraction":0.1}}}
                """));

        assertEquals(List.of(new StepEvent(1, 1, 2.5, 0.01, Double.NaN, 3.5, 0), new StepEvent(1, 2, Double.NaN,
                0.01, Double.NaN, 1.0, 0)), h.steps());
        double nan = Double.NaN;
        assertEquals(new EpochEvent(1, 0, 2.0, nan, new Scores(2.2, 0, new ClassificationScores(0.5, nan, nan, nan, nan,
                nan, new TreeMap<>(), List.of(new ClassScores(nan, 0.9, nan, 10), new ClassScores(nan, 0, nan, 0)),
                List.of(0.8, 0.2), null), null)), h.epochs().getFirst());
        assertEquals(List.of(0.9, nan), h.epochs().getFirst().valRecall(), "a class absent from the data has no recall");
        assertEquals(new EpochEvent(2, 0, 1.5, Double.NaN, null), h.epochs().get(1));
        LayersEvent.Layer fc1 = h.layers().getFirst().layer("fc1");
        assertEquals(new LayersEvent.Layer("fc1", 10, 0.5, Double.NaN, Double.NaN, Double.NaN, 0.1, Double.NaN, false), fc1);
        assertTrue(h.hasValidation());
    }

    @Test
    void theRealDigitsRunReads() {
        RunHistory h = RunHistory.read(Traces.resource("digits-healthy.jsonl"));

        assertEquals(256, h.steps().size());
        assertEquals(8, h.epochs().size());
        assertEquals(0.003, h.steps().getLast().lr());
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("runs/x/metrics.jsonl");
        String message = assertThrows(MetricsFileException.class, () -> RunHistory.read(file)).getMessage();

        assertEquals(file + ": no such file", message);
    }

    @Test
    void aCorruptLineIsNamedByNumber() throws Exception {
        String message = error("""
                {"event":"step","epoch":1,"step":1,"loss":2.5,"lr":0.01,"step_ms":3.5}
                {"event":"step","epoch":1,"step":2,"loss":2.4,"lr":0.01,"step_ms":3.5}
                {"event":"step","epoch":1,"step":3,"loss":2.4,"lr":0.01 "step_ms":3.5}
                {"event":"epoch","epoch":1,"train_loss":2.0}
                """);

        assertTrue(message.startsWith(dir.resolve("metrics.jsonl") + " line 3: not valid JSON: Unexpected character"),
                message);
    }

    @Test
    void wrongTypesAndMissingFieldsAreNamed() throws Exception {
        assertTrue(error("{\"event\":\"step\",\"epoch\":1,\"step\":1,\"loss\":\"high\"}\n")
                .endsWith("line 1: \"loss\" is not a number: \"high\""));
        assertTrue(error("{\"event\":\"epoch\",\"train_loss\":1.0}\n").endsWith("line 1: epoch event without an integer \"epoch\""));
        assertTrue(error("[1, 2]\n").endsWith("line 1: not a JSON object"));
        assertTrue(error("{\"step\":3}\n").endsWith("line 1: no \"event\" field"));
        assertTrue(error("{\"event\":\"epoch\",\"epoch\":1,\"val_predicted_share\":[0.5,\"x\"]}\n")
                .endsWith("line 1: \"val_predicted_share\" holds \"x\", not a number"));
        assertTrue(error("{\"event\":\"epoch\",\"epoch\":1,\"val_per_class\":[{\"recall\":\"x\"}]}\n")
                .endsWith("line 1: \"val_per_class\"[0]: \"recall\" is not a number: \"x\""));
        assertTrue(error("{\"event\":\"eval\",\"epoch\":1,\"step\":2,\"val_confusion_matrix\":{\"matrix\":[[1,2]]}}\n")
                .endsWith("line 1: \"val_confusion_matrix\": a confusion matrix is square; got a row of 2 for 1 classes"));
        assertTrue(error("{\"event\":\"layers\",\"step\":3}\n").endsWith("line 1: layers event without a \"layers\" object"));
        assertTrue(error("{\"event\":\"layers\",\"step\":3,\"layers\":{\"fc1\":{\"grad_norm\":true}}}\n")
                .endsWith("line 1: layer \"fc1\": \"grad_norm\" is not a number"));
    }

    @Test
    void anUnfinishedLastLineFromAKilledRunIsSkipped() throws Exception {
        RunHistory h = RunHistory.read(write("""
                {"event":"step","epoch":1,"step":1,"loss":2.5,"lr":0.01,"step_ms":3.5}
                {"event":"step","epoch":1,"step":2,"lo"""));

        assertEquals(1, h.steps().size());
    }

    @Test
    void anEmptyFileIsAnEmptyHistory() throws Exception {
        RunHistory h = RunHistory.read(write(""));

        assertTrue(h.steps().isEmpty() && h.epochs().isEmpty() && h.layers().isEmpty());
    }
}
