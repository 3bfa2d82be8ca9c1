package dev.trainer.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts of (true class, predicted class) pairs, {@code count(label, predicted)}, as
 * scikit-learn's {@code confusion_matrix} with every class of the model: rows are the labels,
 * columns the predictions. Immutable.
 */
public final class ConfusionMatrix {

    /** Wider class names than this label their column by class id instead. */
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
        this.counts = copy(counts);
        this.classNames = List.copyOf(classNames);
    }

    /** The number of classes. */
    public int classes() {
        return counts.length;
    }

    /** How many samples labelled {@code label} were predicted as {@code predicted}. */
    public long count(int label, int predicted) {
        return counts[label][predicted];
    }

    /** The class names by id; empty when the classes have none. */
    public List<String> classNames() {
        return classNames;
    }

    /** The class's name, or its id as text when the classes have no names. */
    public String className(int c) {
        return classNames.isEmpty() ? Integer.toString(c) : classNames.get(c);
    }

    /** Samples labelled with class {@code c}. */
    public long support(int c) {
        return Arrays.stream(counts[c]).sum();
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
        return Arrays.stream(counts).flatMapToLong(Arrays::stream).sum();
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
        return copy(counts);
    }

    /**
     * How to head each predicted-class column where space is short (a table, a picture): the
     * class names when every one is at most 10 characters, else the class ids.
     */
    public List<String> columnLabels() {
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            labels.add(namedColumns() ? className(c) : Integer.toString(c));
        }
        return labels;
    }

    /** How to label each true-class row: the name, after the id when the columns show ids. */
    public List<String> rowLabels() {
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) {
            labels.add(namedColumns() || classNames.isEmpty() ? className(c) : c + " " + className(c));
        }
        return labels;
    }

    private boolean namedColumns() {
        return !classNames.isEmpty() && classNames.stream().allMatch(n -> n.length() <= NAME_COLUMN_WIDTH);
    }

    private static long[][] copy(long[][] counts) {
        long[][] copy = new long[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            copy[c] = counts[c].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConfusionMatrix that && Arrays.deepEquals(counts, that.counts)
                && classNames.equals(that.classNames);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(counts) + classNames.hashCode();
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts) + (classNames.isEmpty() ? "" : " " + classNames);
    }
}
