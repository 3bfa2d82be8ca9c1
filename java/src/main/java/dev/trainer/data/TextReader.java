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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads JSONL text samples, one JSON object a line: {@code "text"} (a string), optionally
 * {@code "text_pair"} (a string, the second segment), and {@code "label"}: for classification a
 * class id (an integer) or a class name (a string), the same kind on every line; for regression
 * a number. Blank lines are skipped. Every sample is tokenized as it is read.
 */
final class TextReader {

    /** One object a line, and nothing after it: a line {@code {"text": "a"} {"text": "b"}} is an error, not one sample. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final String source;
    private final Task task;
    private final List<String> knownClasses;

    /** Token ids of every sample, flat; grown by doubling. */
    private int[] ids = new int[1 << 14];
    private int[] typeIds = new int[1 << 14];
    private int tokenCount;
    private int[] offsets = new int[1 << 10];
    private int[] lines = new int[1 << 10];
    private int samples;

    /** Labels as read: class ids, names or targets, whichever the file has. */
    private final List<Object> labels = new ArrayList<>();
    /** Whether the file has labels, as its first sample says; null before it. */
    private Boolean fileHasLabels;

    private TextReader(Path file, Task task, List<String> knownClasses) {
        this.source = file.toString();
        this.task = task;
        this.knownClasses = knownClasses;
    }

    /**
     * @param knownClasses the training data's class names, by id, that name labels must be among;
     *                     null when this file defines them (the training file)
     */
    static TextDataset read(Path file, List<InputSpec> inputs, Task task, TextTokenizer tokenizer,
                            List<String> knownClasses, boolean labelsRequired) throws IOException {
        TextDataset.requireTextInputs(file.toString(), inputs, tokenizer.maxLength());
        return new TextReader(file, task, knownClasses).readFile(file, inputs, tokenizer, labelsRequired);
    }

    private TextDataset readFile(Path file, List<InputSpec> inputs, TextTokenizer tokenizer, boolean labelsRequired)
            throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                    line = line.substring(1);
                }
                if (!line.isBlank()) {
                    readLine(line, lineNumber, tokenizer, labelsRequired);
                }
            }
        }
        if (samples == 0) {
            throw new DataException(source + " holds no samples");
        }
        offsets[samples] = tokenCount;
        List<String> classNames = classNames();
        return new TextDataset(source, inputs, tokenizer.padId(), Arrays.copyOf(offsets, samples + 1),
                Arrays.copyOf(ids, tokenCount), Arrays.copyOf(typeIds, tokenCount), labels(classNames), classNames,
                Arrays.copyOf(lines, samples));
    }

    private void readLine(String line, int lineNumber, TextTokenizer tokenizer, boolean labelsRequired) {
        String where = source + " line " + lineNumber;
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (MismatchedInputException trailing) {
            throw new DataException(where + ": more after the JSON object; put one object on a line");
        } catch (JsonProcessingException e) {
            throw new DataException(where + ": invalid JSON: " + e.getOriginalMessage());
        }
        if (!json.isObject()) {
            throw new DataException(where + ": expected a JSON object, found " + json.getNodeType().name().toLowerCase());
        }
        String text = string(json, "text", where);
        if (text == null) {
            throw new DataException(where + ": no \"text\"");
        }
        String pair = string(json, "text_pair", where);
        readLabel(json.get("label"), where, labelsRequired);
        add(tokenizer.encode(text, pair), lineNumber);
    }

    /** A field's string value, null when absent or JSON null, and an error when it is anything else. */
    private static String string(JsonNode json, String field, String where) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new DataException(where + ": \"" + field + "\" must be a string, not " + Excerpt.of(value.toString()));
        }
        return value.asText();
    }

    /**
     * Keeps the line's label. Whether a file has labels is decided by its first sample, so that a
     * label missing halfway is an error rather than a file read without labels.
     */
    private void readLabel(JsonNode label, String where, boolean labelsRequired) {
        boolean present = label != null && !label.isNull();
        if (fileHasLabels == null) {
            fileHasLabels = present;
        }
        if (!present && (labelsRequired || fileHasLabels)) {
            throw new DataException(where + ": no \"label\"");
        }
        if (present && !fileHasLabels) {
            throw new DataException(where + ": a \"label\", but the samples before it have none");
        }
        if (!present) {
            return;
        }
        if (task == Task.REGRESSION) {
            if (!label.isNumber() || !Double.isFinite(label.asDouble())) {
                throw new DataException(where + ": the label must be a finite number for regression, not "
                        + Excerpt.of(label.toString()));
            }
            labels.add((float) label.asDouble());
            return;
        }
        Object value;
        if (label.isIntegralNumber() && label.canConvertToInt() && label.asInt() >= 0) {
            value = label.asInt();
        } else if (label.isTextual()) {
            value = label.asText();
            if (knownClasses != null && !knownClasses.contains(value)) {
                throw new DataException(where + ": unknown class " + Excerpt.quoted((String) value)
                        + "; the training data's classes are "
                        + (knownClasses.isEmpty() ? "integer ids" : Excerpt.of(String.join(", ", knownClasses))));
            }
        } else {
            throw new DataException(where + ": the label must be a class id (an integer >= 0) or a class name"
                    + " (a string), not " + Excerpt.of(label.toString()));
        }
        if (!labels.isEmpty() && labels.getFirst().getClass() != value.getClass()) {
            throw new DataException(where + ": the label " + Excerpt.of(label.toString()) + " is a class "
                    + (value instanceof String ? "name" : "id") + ", but the lines before it give class "
                    + (value instanceof String ? "ids" : "names"));
        }
        labels.add(value);
    }

    private void add(TextTokenizer.Tokens tokens, int lineNumber) {
        int n = tokens.ids().length;
        if (tokenCount + n > ids.length) {
            int capacity = Math.max(ids.length * 2, tokenCount + n);
            ids = Arrays.copyOf(ids, capacity);
            typeIds = Arrays.copyOf(typeIds, capacity);
        }
        if (samples + 1 >= offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
            lines = Arrays.copyOf(lines, offsets.length);
        }
        lines[samples] = lineNumber;
        offsets[samples++] = tokenCount;
        for (int t = 0; t < n; t++) {
            ids[tokenCount] = Math.toIntExact(tokens.ids()[t]);
            typeIds[tokenCount++] = Math.toIntExact(tokens.typeIds()[t]);
        }
    }

    /**
     * The class names by id: the given ones, or when this file defines them its distinct names
     * sorted (by {@link String#compareTo}), so the ids depend on which classes there are and not
     * on the order of the lines. Empty when the labels are ids or targets.
     */
    private List<String> classNames() {
        if (knownClasses != null) {
            return knownClasses;
        }
        if (labels.isEmpty() || !(labels.getFirst() instanceof String)) {
            return List.of();
        }
        TreeSet<String> sorted = new TreeSet<>();
        labels.forEach(name -> sorted.add((String) name));
        return List.copyOf(sorted);
    }

    private Labels labels(List<String> classNames) {
        if (labels.isEmpty()) {
            return null;
        }
        if (task == Task.REGRESSION) {
            float[] targets = new float[labels.size()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (Float) labels.get(i);
            }
            return Labels.ofTargets(new long[] {1}, targets);
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < classNames.size(); id++) {
            ids.put(classNames.get(id), id);
        }
        int[] classes = new int[labels.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.get(i) instanceof String name ? ids.get(name) : (Integer) labels.get(i);
        }
        return Labels.ofClasses(classes);
    }
}
