package dev.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Reads data sets from files, choosing the format by the file's extension. */
public final class Datasets {

    /** The CSV label column when the user names none. */
    public static final String DEFAULT_LABEL_COLUMN = "label";

    private Datasets() {
    }

    /** As {@link #read(Path, List, Task, String, boolean)} with labels required, for training. */
    public static Dataset read(Path file, List<InputSpec> inputs, Task task, String labelColumn) {
        return read(file, inputs, task, labelColumn, true);
    }

    /**
     * Reads {@code file} into the model's inputs and checks every value is finite.
     *
     * <ul>
     *   <li>{@code .csv}: a header row, then one sample per row. The column {@code labelColumn}
     *       holds the labels; every other column, in file order, is a feature of the model's
     *       single input, reshaped to its sample shape (one unknown dimension besides the batch is
     *       solved from the column count).</li>
     *   <li>{@code .npz}: one array per input named as the input, and {@code labels}; first axis
     *       the samples. {@code labelColumn} does not apply.</li>
     * </ul>
     *
     * @param inputs         the model's inputs, in its order
     * @param labelColumn    the CSV column with the labels, e.g. {@link #DEFAULT_LABEL_COLUMN}
     * @param labelsRequired false to accept a file without labels, as {@code predict} does; labels
     *                       present are read all the same
     * @throws DataException for a missing, unreadable or malformed file, or one that does not fit
     *                       the inputs; its message names the file and the problem
     */
    public static Dataset read(Path file, List<InputSpec> inputs, Task task, String labelColumn,
                               boolean labelsRequired) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean csv = name.endsWith(".csv");
        if (!csv && !name.endsWith(".npz")) {
            throw new DataException(file + ": unknown data format; use a .csv or .npz file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + " does not exist or is not a file");
        }
        Dataset dataset;
        try {
            dataset = csv ? CsvReader.read(file, inputs, task, labelColumn, labelsRequired)
                    : NpzReader.read(file, inputs, task, labelsRequired);
        } catch (IOException e) {
            throw new DataException(file + " could not be read: " + e.getMessage(), e);
        }
        dataset.requireFinite();
        return dataset;
    }
}
