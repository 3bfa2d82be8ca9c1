package dev.trainer.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvWriterTest {

    @TempDir
    Path dir;

    @Test
    void oneRowPerNumberWithAHeader() throws IOException {
        Path file = dir.resolve("metrics.csv");
        try (MetricsCsvWriter csv = new MetricsCsvWriter(file)) {
            Map<String, Double> step = new LinkedHashMap<>();
            step.put("loss", 0.5);
            step.put("lr", 0.001);
            csv.record("step", 1, 7, step);
            Map<String, Double> epoch = new LinkedHashMap<>();
            epoch.put("val_accuracy", 0.875);
            epoch.put("val_loss", Double.NaN);
            csv.record("epoch", 1, 8, epoch);
        }

        List<Map<String, String>> rows;
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
            rows = it.readAll();
        }

        assertEquals(4, rows.size());
        assertEquals(Map.of("event", "step", "epoch", "1", "step", "7", "metric", "loss", "value", "0.5"), rows.get(0));
        assertEquals("0.001", rows.get(1).get("value"));
        assertEquals(Map.of("event", "epoch", "epoch", "1", "step", "8", "metric", "val_accuracy", "value", "0.875"), rows.get(2));
        assertEquals("", rows.get(3).get("value"), "a NaN is an empty cell");
    }
}
