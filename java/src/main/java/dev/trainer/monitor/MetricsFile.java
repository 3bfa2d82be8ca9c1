package dev.trainer.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.events.RunControl;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per event ({@link EventJson}), flushed as written so that
 * a crashed or interrupted run still leaves its history readable. An open file is a
 * {@link TrainingListener} writing every event it hears.
 */
public final class MetricsFile implements TrainingListener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;

    /** Creates (or truncates) the file. */
    public MetricsFile(Path file) {
        try {
            out = Files.newBufferedWriter(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void onEvent(TrainingEvent event, RunControl control) {
        try {
            out.write(JSON.writeValueAsString(EventJson.write(event)));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics", e);
        }
    }

    /**
     * The events of a {@code metrics.jsonl}, in file order, kinds the history does not use left
     * out. A last line without its newline that does not parse is skipped: it is a write the
     * process did not finish (the run was killed), not corruption.
     *
     * @throws MetricsFileException when the file is missing or unreadable, or a line is not a well-formed event
     */
    public static List<TrainingEvent> read(Path metricsJsonl) {
        String text;
        try {
            text = Files.readString(metricsJsonl);
        } catch (NoSuchFileException e) {
            throw new MetricsFileException(metricsJsonl + ": no such file");
        } catch (CharacterCodingException e) {
            throw new MetricsFileException(metricsJsonl + ": not UTF-8 text");
        } catch (IOException e) {
            throw new MetricsFileException(metricsJsonl + ": cannot read: " + e.getMessage());
        }
        String[] lines = text.split("\n", -1);
        // split leaves "" after a final newline; anything else there is an unfinished line
        boolean lastUnfinished = !lines[lines.length - 1].isEmpty();
        List<TrainingEvent> events = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = metricsJsonl + " line " + (i + 1);
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                if (lastUnfinished && i == lines.length - 1) {
                    break;
                }
                throw new MetricsFileException(where + ": not valid JSON: " + firstLine(e.getOriginalMessage()));
            }
            TrainingEvent read = EventJson.read(event, where);
            if (read != null) {
                events.add(read);
            }
        }
        return events;
    }

    /**
     * Events given as JSON objects (e.g. made by hand), read as from a file.
     *
     * @throws MetricsFileException naming the event's index (from 1) when one is not well-formed
     */
    public static List<TrainingEvent> parse(List<? extends JsonNode> objects) {
        List<TrainingEvent> events = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            TrainingEvent read = EventJson.read(objects.get(i), "event " + (i + 1));
            if (read != null) {
                events.add(read);
            }
        }
        return events;
    }

    /** The event as its {@code metrics.jsonl} object. */
    public static JsonNode toJson(TrainingEvent event) {
        return EventJson.write(event);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
