package dev.trainer.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.events.RunControl;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import dev.trainer.io.AtomicFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per event ({@link EventJson}), flushed as written so that
 * a crashed or interrupted run still leaves its history readable (a line cut short by a kill is
 * skipped when read). An open file is a {@link TrainingListener} writing every event it hears; a
 * resumed run cuts the file back to its checkpoint's length and goes on appending.
 */
public final class MetricsFile implements TrainingListener, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter out;
    private long bytes;

    /** Creates (or truncates) the file. */
    public MetricsFile(Path file) {
        this(file, -1);
    }

    /**
     * Opens the file to go on writing after its first {@code keep} bytes (a resumed run cuts off
     * what was written after its checkpoint); {@code keep < 0} starts it empty.
     */
    public MetricsFile(Path file, long keep) {
        this.file = file;
        try {
            if (keep >= 0) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(keep);
                }
            }
            out = keep >= 0 ? Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)
                    : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            bytes = Math.max(0, keep);
        } catch (IOException e) {
            throw AtomicFile.failure(file, e);
        }
    }

    @Override
    public void onEvent(TrainingEvent event, RunControl control) {
        try {
            String line = JSON.writeValueAsString(EventJson.write(event)) + "\n";
            out.write(line);
            out.flush();
            bytes += line.getBytes(StandardCharsets.UTF_8).length;
        } catch (IOException e) {
            throw AtomicFile.failure(file, e);
        }
    }

    /** The file's length: every event heard so far is in it. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw AtomicFile.failure(file, e);
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
