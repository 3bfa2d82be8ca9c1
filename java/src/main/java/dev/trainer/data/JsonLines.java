package dev.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Reads a JSON-lines file: one JSON object a line, blank lines skipped, errors naming the line. */
final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What is done with each object; {@code where} is the file and line, for error messages. */
    interface Sample {
        void accept(JsonNode object, String where);
    }

    private JsonLines() {
    }

    /**
     * Hands every object of {@code file} to {@code each}, in order.
     *
     * @throws DataException naming the line of invalid JSON or of a value that is not an object
     */
    static void read(Path file, Sample each) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + lineNumber;
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new DataException(where + ": invalid JSON: " + e.getOriginalMessage());
                }
                if (!json.isObject()) {
                    throw new DataException(where + ": expected a JSON object, found "
                            + json.getNodeType().name().toLowerCase(Locale.ROOT));
                }
                each.accept(json, where);
            }
        }
    }
}
