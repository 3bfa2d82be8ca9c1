package dev.trainer.sinks;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tidy CSV of a run's records, one row per number: {@code event,epoch,step,metric,value}
 * (e.g. {@code step,1,17,loss,0.53}, {@code epoch,1,32,val_accuracy,0.91}), which a data frame
 * reads as it is and pivots as it likes. A non-finite value is an empty cell. Rows are flushed
 * as written, so a crashed run keeps its history. Owns the open file; close it.
 */
public final class MetricsCsvWriter implements AutoCloseable {

    private static final CsvSchema SCHEMA = CsvSchema.builder().addColumn("event").addColumn("epoch")
            .addColumn("step").addColumn("metric").addColumn("value").build().withHeader();

    private final Path file;
    private final SequenceWriter rows;

    /**
     * Creates (or truncates) {@code file} and writes the header.
     *
     * @throws UncheckedIOException when it cannot be written
     */
    public MetricsCsvWriter(Path file) {
        this.file = file;
        try {
            this.rows = new CsvMapper().writer(SCHEMA).writeValues(Files.newBufferedWriter(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * One record: a row per value, in the map's order.
     *
     * @param event what the record is: {@code step}, {@code epoch}, {@code eval}...
     */
    public void record(String event, int epoch, long step, Map<String, Double> values) {
        try {
            for (var entry : values.entrySet()) {
                double v = entry.getValue();
                rows.write(List.of(event, Integer.toString(epoch), Long.toString(step), entry.getKey(),
                        Double.isFinite(v) ? Double.toString(v) : ""));
            }
            rows.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            rows.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
