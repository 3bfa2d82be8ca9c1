package dev.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.trainer.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows of a delimited text file with a header, read by Jackson's CSV parser (RFC 4180
 * quoting: a quoted cell may hold the separator, quotes doubled, and line breaks). A
 * {@code .tsv} file is tab-separated, anything else comma-separated. Cells are stripped of
 * surrounding white space; blank lines are skipped but still counted, so that {@link #lineNumber()}
 * is the line an editor shows. Owns the open file; close it.
 */
public final class CsvRows implements AutoCloseable {

    private static final CsvFactory FACTORY = new CsvFactory();

    private final String source;
    private final CsvParser parser;
    private final List<String> header;
    private List<String> cells;
    private int lineNumber;

    private CsvRows(Path file) throws IOException {
        this.source = file.toString();
        this.parser = FACTORY.createParser(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        char separator = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(separator));
        try {
            this.header = readHeader();
        } catch (IOException | RuntimeException e) {
            parser.close();
            throw e;
        }
    }

    private List<String> readHeader() throws IOException {
        if (!next() || cells.stream().allMatch(String::isEmpty)) {
            throw new DataException(source + " is empty: expected a header row of column names");
        }
        List<String> names = new ArrayList<>(cells);
        if (names.getFirst().startsWith("\uFEFF")) {
            names.set(0, names.getFirst().substring(1).strip());
        }
        return List.copyOf(names);
    }

    /**
     * Opens {@code file} and reads its header row.
     *
     * @throws DataException when the file is empty or its header is not valid CSV
     */
    public static CsvRows open(Path file) throws IOException {
        return new CsvRows(file);
    }

    /** The column names, in file order. */
    public List<String> header() {
        return header;
    }

    /**
     * Moves to the next non-blank row.
     *
     * @return false at the end of the file
     * @throws DataException naming the line when the file is not valid CSV (e.g. an unclosed quote)
     */
    public boolean next() throws IOException {
        try {
            do {
                if (parser.nextToken() == null) {
                    return false;
                }
                List<String> row = new ArrayList<>();
                for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                    if (row.isEmpty()) {
                        lineNumber = parser.currentTokenLocation().getLineNr();
                    }
                    row.add(parser.getText().strip());
                }
                cells = row;
            } while (cells.size() == 1 && cells.getFirst().isEmpty());  // a blank line
            return true;
        } catch (JsonProcessingException e) {
            throw new DataException(source + " line " + e.getLocation().getLineNr() + ": not valid CSV: "
                    + e.getOriginalMessage());
        }
    }

    /** The current row's cells, trimmed; a row may have more or fewer cells than the header. */
    public List<String> cells() {
        return cells;
    }

    /** The 1-based line on which the current row starts. */
    public int lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
