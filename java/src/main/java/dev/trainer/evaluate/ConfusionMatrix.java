package dev.trainer.evaluate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.plot.Heatmap;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts of (true class, predicted class) pairs, {@code count(label, predicted)}, as
 * scikit-learn's {@code confusion_matrix} with every class of the model: rows are the labels,
 * columns the predictions. Immutable once built.
 */
public final class ConfusionMatrix {

    /** Wider class names than this head their column by class id instead, with a legend. */
    private static final int NAME_COLUMN_WIDTH = 10;

    private final long[][] counts;
    private final List<String> classNames;

    /**
     * @param counts     {@code counts[label][predicted]}, square; copied
     * @param classNames the name of each class, or empty to call them by id
     * @throws IllegalArgumentException when the counts are not square or the names do not match them
     */
    public ConfusionMatrix(long[][] counts, List<String> classNames) {
        for (long[] row : counts) {
            if (row.length != counts.length) {
                throw new IllegalArgumentException("a confusion matrix is square; got a row of " + row.length
                        + " for " + counts.length + " classes");
            }
        }
        if (!classNames.isEmpty() && classNames.size() != counts.length) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + counts.length + " classes");
        }
        this.counts = new long[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            this.counts[c] = counts[c].clone();
        }
        this.classNames = List.copyOf(classNames);
    }

    public int classes() {
        return counts.length;
    }

    /** How many samples labelled {@code label} were predicted as {@code predicted}. */
    public long count(int label, int predicted) {
        return counts[label][predicted];
    }

    /** The class's name, or its id as text when the classes have no names. */
    public String className(int c) {
        return classNames.isEmpty() ? Integer.toString(c) : classNames.get(c);
    }

    /** Samples labelled with class {@code c}. */
    public long support(int c) {
        long sum = 0;
        for (long v : counts[c]) {
            sum += v;
        }
        return sum;
    }

    /** Samples predicted as class {@code c}. */
    public long predicted(int c) {
        long sum = 0;
        for (long[] row : counts) {
            sum += row[c];
        }
        return sum;
    }

    /** All samples. */
    public long total() {
        long sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += support(c);
        }
        return sum;
    }

    /** Samples on the diagonal. */
    public long correct() {
        long sum = 0;
        for (int c = 0; c < counts.length; c++) {
            sum += counts[c][c];
        }
        return sum;
    }

    /** The counts as a fresh array, {@code [label][predicted]}. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            copy[c] = counts[c].clone();
        }
        return copy;
    }

    /**
     * The matrix as a text table: one row per true class, named; one column per predicted class,
     * headed by its name, or by its id when some name is too wide for a column (each row then
     * shows the id beside the name).
     */
    public String render() {
        boolean namedColumns = namedColumns();
        List<String> headers = new ArrayList<>();
        int width = Long.toString(maxCount()).length();
        for (int c = 0; c < counts.length; c++) {
            headers.add(namedColumns ? className(c) : Integer.toString(c));
            width = Math.max(width, headers.get(c).length());
        }
        int rowLabelWidth = "true \\ predicted".length();
        for (int c = 0; c < counts.length; c++) {
            rowLabelWidth = Math.max(rowLabelWidth, rowLabel(c, namedColumns).length());
        }
        StringBuilder s = new StringBuilder(pad("true \\ predicted", rowLabelWidth, false));
        for (String header : headers) {
            s.append("  ").append(pad(header, width, true));
        }
        s.append('\n');
        for (int label = 0; label < counts.length; label++) {
            s.append(pad(rowLabel(label, namedColumns), rowLabelWidth, false));
            for (long v : counts[label]) {
                s.append("  ").append(pad(Long.toString(v), width, true));
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** {@code {"classes": [names or ids], "matrix": [[counts of label 0 by prediction], ...]}}. */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        var names = json.putArray("classes");
        for (int c = 0; c < counts.length; c++) {
            names.add(className(c));
        }
        var matrix = json.putArray("matrix");
        for (long[] row : counts) {
            var r = matrix.addArray();
            for (long v : row) {
                r.add(v);
            }
        }
        return json;
    }

    /**
     * The matrix as a picture (for TensorBoard and the run plot): rows the true classes by name,
     * columns the predictions, by name when the names are short and by id otherwise.
     */
    public Heatmap heatmap(String title) {
        boolean namedColumns = namedColumns();
        List<String> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            rows.add(rowLabel(c, namedColumns));
            columns.add(namedColumns ? className(c) : Integer.toString(c));
        }
        return new Heatmap(title, rows, columns, "true class", "predicted class", counts());
    }

    /** Whether every class has a name short enough to head a column. */
    private boolean namedColumns() {
        return !classNames.isEmpty() && classNames.stream().allMatch(n -> n.length() <= NAME_COLUMN_WIDTH);
    }

    private String rowLabel(int c, boolean namedColumns) {
        return namedColumns || classNames.isEmpty() ? className(c) : c + " " + className(c);
    }

    private long maxCount() {
        long max = 0;
        for (long[] row : counts) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        return max;
    }

    private static String pad(String text, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - text.length()));
        return right ? fill + text : text + fill;
    }
}
