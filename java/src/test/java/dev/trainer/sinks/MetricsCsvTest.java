package dev.trainer.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainer.evaluate.ClassificationMetrics;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.EvaluationEvent;
import dev.trainer.events.NoteEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.StepEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {

    @TempDir
    Path dir;

    @Test
    void oneRowPerNumberWithAHeader() throws IOException {
        Path file = dir.resolve("metrics.csv");
        try (MetricsCsv csv = new MetricsCsv(file)) {
            Map<String, Double> step = new LinkedHashMap<>();
            step.put("loss", 0.5);
            step.put("lr", 0.001);
            csv.record("step", 1, 7, step);
            Map<String, Double> epoch = new LinkedHashMap<>();
            epoch.put("val_accuracy", 0.875);
            epoch.put("val_loss", Double.NaN);
            csv.record("epoch", 1, 8, epoch);
        }

        List<Map<String, String>> rows = read(file);

        assertEquals(4, rows.size());
        assertEquals(Map.of("event", "step", "epoch", "1", "step", "7", "metric", "loss", "value", "0.5"), rows.get(0));
        assertEquals("0.001", rows.get(1).get("value"));
        assertEquals(Map.of("event", "epoch", "epoch", "1", "step", "8", "metric", "val_accuracy", "value", "0.875"), rows.get(2));
        assertEquals("", rows.get(3).get("value"), "a NaN is an empty cell");
    }

    @Test
    void asAListenerItWritesTheStepEpochAndValidationRecords() throws IOException {
        Path file = dir.resolve("metrics.csv");
        ClassificationMetrics metrics = new ClassificationMetrics(2);
        metrics.add(new float[] {1, 0, 0, 1, 1, 0}, new int[] {0, 1, 1});
        Scores validation = new Scores(0.4, 3, metrics.report(List.of("cat", "dog")), null);
        try (MetricsCsv csv = new MetricsCsv(file)) {
            csv.onEvent(new StepEvent(1, 1, 0.9, 0.01, Double.NaN, 2.5, 8), null);
            csv.onEvent(new NoteEvent("not a number"), null);
            csv.onEvent(new EvaluationEvent(1, 1, validation), null);
            csv.onEvent(new EpochEvent(1, 1, 0.9, 0.5, validation), null);
        }

        List<Map<String, String>> rows = read(file);

        assertEquals(List.of("loss", "lr", "step_ms"), rows.stream().filter(r -> r.get("event").equals("step"))
                .map(r -> r.get("metric")).toList(), "no cycled momentum, no row for it");
        List<String> eval = rows.stream().filter(r -> r.get("event").equals("eval")).map(r -> r.get("metric")).toList();
        assertEquals(List.of("val_loss", "val_accuracy", "val_macro_f1", "val_weighted_f1", "val_roc_auc", "val_pr_auc",
                "val_log_loss"), eval);
        Map<String, String> accuracy = rows.stream().filter(r -> r.get("event").equals("epoch")
                && r.get("metric").equals("val_accuracy")).findFirst().orElseThrow();
        assertEquals(2.0 / 3, Double.parseDouble(accuracy.get("value")), 1e-12);
        assertEquals("gap", rows.getLast().get("metric"));
        assertEquals(0.4 - 0.9, Double.parseDouble(rows.getLast().get("value")), 1e-12);
    }

    private static List<Map<String, String>> read(Path file) throws IOException {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            return it.readAll();
        }
    }
}
