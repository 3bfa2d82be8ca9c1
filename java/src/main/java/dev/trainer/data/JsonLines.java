package dev.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trainer.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a JSON-lines file: one JSON object a line, blank lines skipped, errors naming the line.
 * A UTF-8 byte order mark before the first line is passed over, as the CSV reader does.
 */
final class JsonLines {

    /** One object a line, and nothing after it: a line {@code {"text": "a"} {"text": "b"}} is an error, not one sample. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    /**
     * What is done with each object.
     *
     * @param line  the object's line in the file, 1-based
     * @param where the file and line, for error messages
     */
    interface Sample {
        void accept(JsonNode object, int line, String where);
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
                if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                String where = file + " line " + lineNumber;
                JsonNode json;
                try {
                    json = JSON.readTree(line);
                } catch (MismatchedInputException trailing) {
                    throw new DataException(where + ": more after the JSON object; put one object on a line");
                } catch (JsonProcessingException e) {
                    throw new DataException(where + ": invalid JSON: " + e.getOriginalMessage());
                }
                if (!json.isObject()) {
                    throw new DataException(where + ": expected a JSON object, found "
                            + json.getNodeType().name().toLowerCase(Locale.ROOT));
                }
                each.accept(json, lineNumber, where);
            }
        }
    }
}
