package dev.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
 * Reads text samples, each a {@code "text"} (a string), optionally a {@code "text_pair"} (a
 * string, the second segment), and a {@code "label"}: for classification a class id (an
 * integer) or a class name (a string), the same kind in every sample; for regression a number.
 * Two layouts: JSONL, one JSON object a line; or CSV/TSV with a header naming the columns
 * {@code text}, optionally {@code text_pair}, and the label column (a cell of digits is a class
 * id, any other a class name; an empty cell, no label). Blank lines are skipped. Every sample
 * is tokenized as it is read.
 */
final class TextReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final Task task;
    private final List<String> knownClasses;

    /** Token ids of every sample, flat; grown by doubling. */
    private int[] ids = new int[1 << 14];
    private int[] typeIds = new int[1 << 14];
    private int tokenCount;
    private int[] offsets = new int[1 << 10];
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
        TextReader reader = new TextReader(file, task, knownClasses);
        reader.readJsonLines(file, tokenizer, labelsRequired);
        return reader.dataset(inputs, tokenizer);
    }

    /**
     * As {@link #read}, from a CSV or TSV file with a {@code text} column.
     *
     * @param labelColumn the column with the labels
     */
    static TextDataset readCsv(Path file, List<InputSpec> inputs, Task task, TextTokenizer tokenizer,
                               List<String> knownClasses, String labelColumn, boolean labelsRequired) throws IOException {
        TextDataset.requireTextInputs(file.toString(), inputs, tokenizer.maxLength());
        TextReader reader = new TextReader(file, task, knownClasses);
        reader.readRows(file, tokenizer, labelColumn, labelsRequired);
        return reader.dataset(inputs, tokenizer);
    }

    private void readJsonLines(Path file, TextTokenizer tokenizer, boolean labelsRequired) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    readLine(line, lineNumber, tokenizer, labelsRequired);
                }
            }
        }
    }

    private void readRows(Path file, TextTokenizer tokenizer, String labelColumn, boolean labelsRequired)
            throws IOException {
        try (CsvRows rows = CsvRows.open(file)) {
            List<String> header = rows.header();
            int text = header.indexOf("text");
            if (text < 0) {
                throw new DataException(source + " has no column 'text' (columns: " + String.join(", ", header) + ")");
            }
            int pair = header.indexOf("text_pair");
            int label = header.indexOf(labelColumn);
            if (label < 0 && labelsRequired) {
                throw new DataException(source + " has no label column '" + labelColumn + "'");
            }
            while (rows.next()) {
                String where = source + " line " + rows.lineNumber();
                List<String> cells = rows.cells();
                if (cells.size() != header.size()) {
                    throw new DataException(where + " has " + cells.size() + " cells, but the header has "
                            + header.size() + " columns");
                }
                ObjectNode sample = JSON.createObjectNode().put("text", cells.get(text));
                if (pair >= 0 && !cells.get(pair).isEmpty()) {
                    sample.put("text_pair", cells.get(pair));
                }
                if (label >= 0 && !cells.get(label).isEmpty()) {
                    sample.set("label", labelNode(cells.get(label)));
                }
                readSample(sample, where, tokenizer, labelsRequired);
            }
        }
    }

    /** A CSV label cell as the JSON value it stands for: digits a class id, a number a target, else a name. */
    private JsonNode labelNode(String cell) {
        if (task == Task.CLASSIFICATION && cell.chars().allMatch(Character::isDigit) && cell.length() < 10) {
            return IntNode.valueOf(Integer.parseInt(cell));
        }
        if (task == Task.REGRESSION) {
            try {
                return DoubleNode.valueOf(Double.parseDouble(cell));
            } catch (NumberFormatException notANumber) {
                return TextNode.valueOf(cell);
            }
        }
        return TextNode.valueOf(cell);
    }

    private TextDataset dataset(List<InputSpec> inputs, TextTokenizer tokenizer) {
        if (samples == 0) {
            throw new DataException(source + " holds no samples");
        }
        offsets[samples] = tokenCount;
        List<String> classNames = classNames();
        return new TextDataset(source, inputs, tokenizer.padId(), Arrays.copyOf(offsets, samples + 1),
                Arrays.copyOf(ids, tokenCount), Arrays.copyOf(typeIds, tokenCount), labels(classNames), classNames);
    }

    private void readLine(String line, int lineNumber, TextTokenizer tokenizer, boolean labelsRequired) {
        String where = source + " line " + lineNumber;
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DataException(where + ": invalid JSON: " + e.getOriginalMessage());
        }
        if (!json.isObject()) {
            throw new DataException(where + ": expected a JSON object, found " + json.getNodeType().name().toLowerCase());
        }
        readSample(json, where, tokenizer, labelsRequired);
    }

    private void readSample(JsonNode json, String where, TextTokenizer tokenizer, boolean labelsRequired) {
        String text = string(json, "text", where);
        if (text == null) {
            throw new DataException(where + ": no \"text\"");
        }
        String pair = string(json, "text_pair", where);
        readLabel(json.get("label"), where, labelsRequired);
        add(tokenizer.encode(text, pair));
    }

    /** A field's string value, null when absent or JSON null, and an error when it is anything else. */
    private static String string(JsonNode json, String field, String where) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new DataException(where + ": \"" + field + "\" must be a string, not " + value);
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
                throw new DataException(where + ": the label must be a finite number for regression, not " + label);
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
                throw new DataException(where + ": unknown class '" + value + "'; the training data's classes are "
                        + (knownClasses.isEmpty() ? "integer ids" : String.join(", ", knownClasses)));
            }
        } else {
            throw new DataException(where + ": the label must be a class id (an integer >= 0) or a class name"
                    + " (a string), not " + label);
        }
        if (!labels.isEmpty() && labels.getFirst().getClass() != value.getClass()) {
            throw new DataException(where + ": the label " + label + " is a class " + (value instanceof String ? "name" : "id")
                    + ", but the lines before it give class " + (value instanceof String ? "ids" : "names"));
        }
        labels.add(value);
    }

    private void add(TextTokenizer.Tokens tokens) {
        int n = tokens.ids().length;
        if (tokenCount + n > ids.length) {
            int capacity = Math.max(ids.length * 2, tokenCount + n);
            ids = Arrays.copyOf(ids, capacity);
            typeIds = Arrays.copyOf(typeIds, capacity);
        }
        if (samples + 1 >= offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
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
