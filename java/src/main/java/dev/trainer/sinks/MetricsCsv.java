package dev.trainer.sinks;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainer.events.RunControl;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.csv}: a tidy CSV of a run's step, epoch and validation records, one row per
 * number: {@code event,epoch,step,metric,value} (e.g. {@code step,1,17,loss,0.53},
 * {@code epoch,1,32,val_accuracy,0.91}), which a data frame reads as it is and pivots as it
 * likes; the numbers are {@link EventScalars}. A non-finite value is an empty cell. Rows are
 * flushed as written, so a crashed run keeps its history. An open file is a listener writing
 * every such event it hears; close it.
 */
public final class MetricsCsv implements TrainingListener, AutoCloseable {

    /** The file's name in a run folder. */
    public static final String FILE_NAME = "metrics.csv";

    private static final CsvSchema SCHEMA = CsvSchema.builder().addColumn("event").addColumn("epoch")
            .addColumn("step").addColumn("metric").addColumn("value").build().withHeader();

    private final Path file;
    private final SequenceWriter rows;

    /**
     * Creates (or truncates) {@code file} and writes the header.
     *
     * @throws UncheckedIOException when it cannot be written
     */
    public MetricsCsv(Path file) {
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
    public void onEvent(TrainingEvent event, RunControl control) {
        EventScalars scalars = EventScalars.of(event);
        if (scalars != null) {
            record(scalars.kind(), scalars.epoch(), scalars.step(), scalars.values());
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
