package dev.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.DataException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

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

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String source;
    private final LabelCollector labels;

    /** Token ids of every sample, flat; grown by doubling. */
    private int[] ids = new int[1 << 14];
    private int[] typeIds = new int[1 << 14];
    private int tokenCount;
    private int[] offsets = new int[1 << 10];
    /** Each sample's line in the file, 1-based. */
    private int[] lines = new int[1 << 10];
    private int samples;

    private TextReader(Path file, Task task, List<String> knownClasses) {
        this.source = file.toString();
        this.labels = new LabelCollector(task, knownClasses);
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
        JsonLines.read(file, (json, line, where) -> readSample(json, line, where, tokenizer, labelsRequired));
    }

    private void readRows(Path file, TextTokenizer tokenizer, String labelColumn, boolean labelsRequired)
            throws IOException {
        try (CsvRows rows = CsvRows.open(file)) {
            List<String> header = rows.header();
            int text = header.indexOf("text");
            if (text < 0) {
                throw new DataException(source + " has no column 'text' (columns: " + Excerpt.of(String.join(", ", header)) + ")");
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
                ObjectNode sample = JSON.objectNode().put("text", cells.get(text));
                if (pair >= 0 && !cells.get(pair).isEmpty()) {
                    sample.put("text_pair", cells.get(pair));
                }
                if (label >= 0 && !cells.get(label).isEmpty()) {
                    sample.set("label", labels.cellValue(cells.get(label)));
                }
                readSample(sample, rows.lineNumber(), where, tokenizer, labelsRequired);
            }
        }
    }

    private TextDataset dataset(List<InputSpec> inputs, TextTokenizer tokenizer) {
        if (samples == 0) {
            throw new DataException(source + " holds no samples");
        }
        offsets[samples] = tokenCount;
        return new TextDataset(source, inputs, tokenizer.padId(), Arrays.copyOf(offsets, samples + 1),
                Arrays.copyOf(ids, tokenCount), Arrays.copyOf(typeIds, tokenCount), labels.labels(), labels.classNames(),
                Arrays.copyOf(lines, samples));
    }

    private void readSample(JsonNode json, int line, String where, TextTokenizer tokenizer, boolean labelsRequired) {
        String text = string(json, "text", where);
        if (text == null) {
            throw new DataException(where + ": no \"text\"");
        }
        String pair = string(json, "text_pair", where);
        labels.add(json.get("label"), where, labelsRequired);
        add(tokenizer.encode(text, pair), line);
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

    private void add(TextTokenizer.Tokens tokens, int line) {
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
        lines[samples] = line;
        offsets[samples++] = tokenCount;
        for (int t = 0; t < n; t++) {
            ids[tokenCount] = Math.toIntExact(tokens.ids()[t]);
            typeIds[tokenCount++] = Math.toIntExact(tokens.typeIds()[t]);
        }
    }
}
