package dev.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV (or TSV) file with a header row into a model's single input: every column but the
 * label column is a feature, in file order, and a row's features are reshaped to the input's
 * sample shape. Rows come from {@link CsvRows} (quoting as RFC 4180); numbers are parsed without
 * regular expressions, since files run to hundreds of thousands of rows.
 */
final class CsvReader {

    private static final int NAMES_SHOWN = 8;

    private final String source;

    private CsvReader(Path file) {
        this.source = file.toString();
    }

    static Dataset read(Path file, List<InputSpec> inputs, Task task, String labelColumn, boolean labelsRequired)
            throws IOException {
        return new CsvReader(file).readFile(file, inputs, task, labelColumn, labelsRequired);
    }

    private Dataset readFile(Path file, List<InputSpec> inputs, Task task, String labelColumn, boolean labelsRequired)
            throws IOException {
        if (inputs.size() != 1) {
            throw new DataException(source + ": a CSV file fills a single input, but the model has " + inputs.size()
                    + " (" + String.join(", ", inputs.stream().map(InputSpec::name).toList())
                    + "); use an NPZ file with one array per input");
        }
        InputSpec input = inputs.getFirst();
        try (CsvRows rows = CsvRows.open(file)) {
            List<String> header = rows.header();
            int labelIndex = header.indexOf(labelColumn);
            if (labelIndex < 0 && labelsRequired) {
                throw new DataException(source + " has no label column '" + labelColumn + "' (columns: "
                        + abbreviate(header) + "); name it with the label column option");
            }
            int featureCount = header.size() - (labelIndex < 0 ? 0 : 1);
            long[] sampleShape = sampleShapeFor(input, featureCount);
            return readRows(rows, labelIndex, input, sampleShape, task);
        }
    }

    private Dataset readRows(CsvRows rows, int labelIndex, InputSpec input, long[] sampleShape, Task task)
            throws IOException {
        List<String> header = rows.header();
        int columns = header.size();
        boolean floating = input.type().isFloating();
        float[] floats = new float[floating ? 1 << 16 : 0];
        long[] longs = new long[floating ? 0 : 1 << 16];
        int valueCount = 0;
        int[] classes = new int[task == Task.CLASSIFICATION && labelIndex >= 0 ? 1 << 12 : 0];
        float[] targets = new float[task == Task.REGRESSION && labelIndex >= 0 ? 1 << 12 : 0];
        int count = 0;
        while (rows.next()) {
            List<String> cells = rows.cells();
            int lineNumber = rows.lineNumber();
            if (cells.size() != columns) {
                throw new DataException(source + " line " + lineNumber + " has " + cells.size()
                        + " cells, but the header has " + columns + " columns");
            }
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
            for (int column = 0; column < columns; column++) {
                String cell = cells.get(column);
                double value = parseNumber(cell);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw cellError(lineNumber, column, header, cell, cell.isEmpty() ? "empty cell" : "is not a finite number");
                }
                if (column == labelIndex) {
                    if (task == Task.CLASSIFICATION) {
                        if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
                            throw cellError(lineNumber, column, header, cell, "class label must be an integer >= 0");
                        }
                        classes[count] = (int) value;
                    } else {
                        targets[count] = (float) value;
                    }
                } else if (floating) {
                    floats[valueCount++] = (float) value;
                } else {
                    if (value != Math.rint(value) || !input.type().fits((long) value)) {
                        throw cellError(lineNumber, column, header, cell,
                                "does not fit input '" + input.name() + "' of type " + input.type());
                    }
                    longs[valueCount++] = (long) value;
                }
            }
            count++;
        }
        if (count == 0) {
            throw new DataException(source + " has a header but no rows");
        }
        Feature feature = floating
                ? Feature.ofFloats(input.type(), sampleShape, Arrays.copyOf(floats, valueCount))
                : Feature.ofLongs(input.type(), sampleShape, Arrays.copyOf(longs, valueCount));
        Labels labels = labelIndex < 0 ? null
                : task == Task.CLASSIFICATION ? Labels.ofClasses(Arrays.copyOf(classes, count))
                : Labels.ofTargets(new long[] {1}, Arrays.copyOf(targets, count));
        return new Dataset(source, Map.of(input.name(), feature), labels);
    }

    /**
     * The input's sample shape with at most one symbolic dimension solved from the column count:
     * a row is flat, so two unknown dimensions could be split many ways.
     */
    private long[] sampleShapeFor(InputSpec input, int featureCount) {
        if (featureCount == 0) {
            throw new DataException(source + " has no feature columns, only the labels");
        }
        long[] shape = input.sampleShape();
        int symbolic = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != InputSpec.SYMBOLIC) {
                known *= shape[i];
            } else if (symbolic < 0) {
                symbolic = i;
            } else {
                throw new DataException(source + ": input '" + input.name() + "' has shape "
                        + Shapes.format(input.shape()) + ", more than one unknown dimension besides the batch;"
                        + " a CSV row cannot fill it, use an NPZ file");
            }
        }
        if (symbolic >= 0 && known > 0 && featureCount % known == 0) {
            shape[symbolic] = featureCount / known;
            return shape;
        }
        if (symbolic < 0 && known == featureCount) {
            return shape;
        }
        throw new DataException(source + " has " + featureCount + " feature columns, but input '" + input.name()
                + "' of shape " + Shapes.format(input.shape()) + " takes "
                + (symbolic < 0 ? known + "" : "a multiple of " + known) + " values per sample");
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
                + header.get(column) + "')" + (cell.isEmpty() ? "" : ": \"" + cell + "\"") + ": " + problem);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= NAMES_SHOWN ? String.join(", ", names)
                : String.join(", ", names.subList(0, NAMES_SHOWN)) + ", ... " + names.size() + " in all";
    }
}
