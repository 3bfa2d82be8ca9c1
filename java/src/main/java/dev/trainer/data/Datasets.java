package dev.trainer.data;

import dev.trainer.DataException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
        if (extension(file).equals(".jsonl")) {
            throw new DataException(file + ": a .jsonl file holds text, which needs the model's tokenizer");
        }
        return (Dataset) read(file, inputs, new Labelling(task, labelColumn, null, labelsRequired), null);
    }

    /**
     * How text is read into token inputs.
     *
     * @param tokenizer    the model's tokenizer, owned by the caller
     * @param knownClasses the training data's class names by id ({@link TextDataset#classNames()})
     *                     when reading validation or test data, whose name labels must be among
     *                     them; null when reading the training data, which defines them
     */
    public record TextOptions(TextTokenizer tokenizer, List<String> knownClasses) {

        public TextOptions {
            Objects.requireNonNull(tokenizer, "tokenizer");
            knownClasses = knownClasses == null ? null : List.copyOf(knownClasses);
        }

        /** For the training data: its labels define the class names. */
        public static TextOptions training(TextTokenizer tokenizer) {
            return new TextOptions(tokenizer, null);
        }

        /** For other data: class names must be the training data's. */
        public static TextOptions following(TextTokenizer tokenizer, TextDataset training) {
            return new TextOptions(tokenizer, training.classNames());
        }
    }

    /**
     * As {@link #read(Path, List, Task, String, boolean)}, with per-sample weights where the
     * labelling names them (CSV and NPZ), and also reads text:
     *
     * <ul>
     *   <li>{@code .jsonl}: one JSON object a line, {@code {"text": ..., "label": ...}} and
     *       optionally {@code "text_pair"}; labels are class ids (integers), class names (strings,
     *       given ids in sorted order by the training file) or, for regression, numbers. Each
     *       sample is tokenized with {@code text}'s tokenizer into those of the model's inputs
     *       {@code input_ids}, {@code attention_mask} and {@code token_type_ids} it has; any other
     *       model input is an error. Returns a {@link TextDataset}.</li>
     * </ul>
     *
     * @param text how to tokenize; needed for {@code .jsonl} and ignored for the other formats, so
     *             that a caller may pass it whenever the model has a tokenizer; may be null
     */
    public static Samples read(Path file, List<InputSpec> inputs, Labelling labelling, TextOptions text) {
        String extension = extension(file);
        if (!List.of(".csv", ".npz", ".jsonl").contains(extension)) {
            throw new DataException(file + ": unknown data format; use a .csv, .npz or .jsonl file");
        }
        if (extension.equals(".jsonl") && text == null) {
            throw new DataException(file + ": a .jsonl file holds text, which needs the model's tokenizer");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + " does not exist or is not a file");
        }
        if (extension.equals(".jsonl")) {
            try {
                return TextReader.read(file, inputs, labelling.task(), text.tokenizer(), text.knownClasses(),
                        labelling.required());
            } catch (CharacterCodingException e) {
                throw Utf8.notUtf8(file, e);
            } catch (IOException e) {
                throw new DataException(file + " could not be read: " + reason(e), e);
            }
        }
        boolean csv = extension.equals(".csv");
        Dataset dataset;
        try {
            dataset = csv ? CsvReader.read(file, inputs, labelling) : NpzReader.read(file, inputs, labelling);
        } catch (CharacterCodingException e) {
            throw Utf8.notUtf8(file, e);
        } catch (IOException e) {
            throw new DataException(file + " could not be read: " + reason(e), e);
        }
        dataset.requireFinite();
        return dataset;
    }

    /** Why reading failed, in words: some of the JDK's I/O exceptions carry no message. */
    static String reason(IOException e) {
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        return e instanceof java.io.EOFException ? "it ends too early" : e.getClass().getSimpleName();
    }

    /** The file name's extension, lower case with its dot, or "" without one. */
    private static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }
}
