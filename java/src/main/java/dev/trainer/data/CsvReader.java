package dev.trainer.data;

import dev.trainer.DataException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV (or TSV) file with a header row into a model's single input: every column but the
 * label column (and the sample-weight column, when named and present) is a feature, in file
 * order, and a row's features are reshaped to the input's sample shape. Rows come from
 * {@link CsvRows} (quoting as RFC 4180); numbers are parsed without regular expressions, since
 * files run to hundreds of thousands of rows.
 */
final class CsvReader {

    private static final int NAMES_SHOWN = 8;

    private final String source;

    private CsvReader(Path file) {
        this.source = file.toString();
    }

    static Dataset read(Path file, List<InputSpec> inputs, Labelling labelling) throws IOException {
        return new CsvReader(file).readFile(file, inputs, labelling);
    }

    private Dataset readFile(Path file, List<InputSpec> inputs, Labelling labelling) throws IOException {
        if (inputs.size() != 1) {
            throw new DataException(source + ": a CSV file fills a single input, but the model has " + inputs.size()
                    + " (" + String.join(", ", inputs.stream().map(InputSpec::name).toList())
                    + "); use an NPZ file with one array per input");
        }
        InputSpec input = inputs.getFirst();
        try (CsvRows rows = CsvRows.open(file)) {
            List<String> header = rows.header();
            int labelIndex = header.indexOf(labelling.labelColumn());
            if (labelIndex < 0 && labelling.required()) {
                throw new DataException(source + " has no label column '" + labelling.labelColumn() + "' (columns: "
                        + abbreviate(header) + "); name it with the label column option");
            }
            int weightIndex = labelling.sampleWeights() == null ? -1 : header.indexOf(labelling.sampleWeights());
            int featureCount = header.size() - (labelIndex < 0 ? 0 : 1) - (weightIndex < 0 ? 0 : 1);
            long[] sampleShape = input.sampleShapeFor(featureCount, source, "feature columns");
            Rows read = new Rows(header, labelIndex, weightIndex, input, labelling.task());
            while (rows.next()) {
                read.read(rows.cells(), rows.lineNumber());
            }
            if (read.count == 0) {
                throw new DataException(source + " has a header but no rows");
            }
            return read.dataset(sampleShape);
        }
    }

    /** The columns read so far, in growing arrays: features, then the labels and weights when present. */
    private final class Rows {
        private final List<String> header;
        private final int labelIndex;
        private final int weightIndex;
        private final InputSpec input;
        private final Task task;
        private final boolean floating;
        private float[] floats;
        private long[] longs;
        private int valueCount;
        private int[] classes;
        private float[] targets;
        private float[] weights;
        private int[] lines = new int[1 << 12];
        private int count;

        Rows(List<String> header, int labelIndex, int weightIndex, InputSpec input, Task task) {
            this.header = header;
            this.labelIndex = labelIndex;
            this.weightIndex = weightIndex;
            this.input = input;
            this.task = task;
            this.floating = input.type().isFloating();
            floats = new float[floating ? 1 << 16 : 0];
            longs = new long[floating ? 0 : 1 << 16];
            classes = new int[task == Task.CLASSIFICATION && labelIndex >= 0 ? 1 << 12 : 0];
            targets = new float[task == Task.REGRESSION && labelIndex >= 0 ? 1 << 12 : 0];
            weights = new float[weightIndex >= 0 ? 1 << 12 : 0];
        }

        /** Stores each cell of one row where its column goes. */
        void read(List<String> cells, int lineNumber) {
            int columns = header.size();
            if (cells.size() != columns) {
                throw new DataException(source + " line " + lineNumber + " has " + cells.size()
                        + " cells, but the header has " + columns + " columns");
            }
            grow(columns);
            for (int column = 0; column < columns; column++) {
                String cell = cells.get(column);
                double value = parseNumber(cell);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw cellError(lineNumber, column, header, cell, cell.isEmpty() ? "empty cell" : "is not a finite number");
                }
                String problem = store(column, value);
                if (problem != null) {
                    throw cellError(lineNumber, column, header, cell, problem);
                }
            }
            lines[count++] = lineNumber;
        }

        private void grow(int columns) {
            if (floating && valueCount + columns > floats.length) {
                floats = Arrays.copyOf(floats, Math.max(floats.length * 2, valueCount + columns));
            }
            if (!floating && valueCount + columns > longs.length) {
                longs = Arrays.copyOf(longs, Math.max(longs.length * 2, valueCount + columns));
            }
            if (count == classes.length && classes.length > 0) {
                classes = Arrays.copyOf(classes, classes.length * 2);
            }
            if (count == targets.length && targets.length > 0) {
                targets = Arrays.copyOf(targets, targets.length * 2);
            }
            if (count == weights.length && weights.length > 0) {
                weights = Arrays.copyOf(weights, weights.length * 2);
            }
            if (count == lines.length) {
                lines = Arrays.copyOf(lines, lines.length * 2);
            }
        }

        /** Stores one cell's value; returns what is wrong with it, or {@code null}. */
        private String store(int column, double value) {
            if (column == weightIndex) {
                if (value < 0) {
                    return "sample weight must be >= 0";
                }
                weights[count] = (float) value;
            } else if (column == labelIndex && task == Task.CLASSIFICATION) {
                if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
                    return "class label must be an integer >= 0";
                }
                classes[count] = (int) value;
            } else if (column == labelIndex) {
                targets[count] = (float) value;
            } else if (floating) {
                if (Float.isInfinite((float) value)) {
                    return "is beyond float32's range (±3.4e38)";
                }
                floats[valueCount++] = (float) value;
            } else {
                if (value != Math.rint(value) || !input.type().fits((long) value)) {
                    return "does not fit input '" + input.name() + "' of type " + input.type();
                }
                longs[valueCount++] = (long) value;
            }
            return null;
        }

        Dataset dataset(long[] sampleShape) {
            Feature feature = floating
                    ? Feature.ofFloats(input.type(), sampleShape, Arrays.copyOf(floats, valueCount))
                    : Feature.ofLongs(input.type(), sampleShape, Arrays.copyOf(longs, valueCount));
            Labels labels = labelIndex < 0 ? null
                    : task == Task.CLASSIFICATION ? Labels.ofClasses(Arrays.copyOf(classes, count))
                    : Labels.ofTargets(new long[] {1}, Arrays.copyOf(targets, count));
            if (labels != null && weightIndex >= 0) {
                labels = labels.withWeights(Arrays.copyOf(weights, count));
            }
            return new Dataset(source, Map.of(input.name(), feature), labels, Arrays.copyOf(lines, count));
        }
    }

    /**
     * The number in a (trimmed) cell, or NaN when the cell is not one. The common case, an
     * integer, is parsed here; anything else made of number characters goes to the JDK.
     */
    private static double parseNumber(String cell) {
        int end = cell.length();
        if (end == 0) {
            return Double.NaN;
        }
        boolean negative = cell.charAt(0) == '-';
        int digitsStart = negative || cell.charAt(0) == '+' ? 1 : 0;
        long integer = 0;
        int i = digitsStart;
        while (i < end && i - digitsStart < 18) {
            char c = cell.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            integer = integer * 10 + (c - '0');
            i++;
        }
        if (i == end && i > digitsStart) {
            return negative ? -integer : integer;
        }
        for (int j = 0; j < end; j++) {
            char c = cell.charAt(j);
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException notANumber) {
            return Double.NaN;
        }
    }

    private DataException cellError(int lineNumber, int column, List<String> header, String cell, String problem) {
        return new DataException(source + " line " + lineNumber + ", column " + (column + 1) + " ('"
                + Excerpt.of(header.get(column)) + "')" + (cell.isEmpty() ? "" : ": " + Excerpt.quoted(cell)) + ": "
                + problem);
    }

    private static String abbreviate(List<String> names) {
        List<String> shown = names.subList(0, Math.min(names.size(), NAMES_SHOWN)).stream().map(Excerpt::of).toList();
        return String.join(", ", shown) + (names.size() > NAMES_SHOWN ? ", ... " + names.size() + " in all" : "");
    }
}
