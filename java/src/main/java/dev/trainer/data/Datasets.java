package dev.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.DataException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
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
        if (holdsImages(file)) {
            throw new DataException(file + " holds images, not tabular features");
        }
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
     *   <li>{@code .csv} or {@code .tsv} with a {@code text} column: text samples, one a row,
     *       with the columns {@code text}, optionally {@code text_pair}, and {@code labelColumn},
     *       read as the JSON lines below are.</li>
     *   <li>{@code .jsonl}: one JSON object a line, {@code {"text": ..., "label": ...}} and
     *       optionally {@code "text_pair"}; labels are class ids (integers), class names (strings,
     *       given ids in sorted order by the training file) or, for regression, numbers. Each
     *       sample is tokenized with {@code text}'s tokenizer into those of the model's inputs
     *       {@code input_ids}, {@code attention_mask} and {@code token_type_ids} it has; any other
     *       model input is an error. Returns a {@link TextDataset}.</li>
     * </ul>
     *
     * @param text how to tokenize; needed for text (JSONL, or CSV/TSV with a text column) and ignored otherwise, so
     *             that a caller may pass it whenever the model has a tokenizer; may be null
     */
    public static Samples read(Path file, List<InputSpec> inputs, Labelling labelling, TextOptions text) {
        return read(file, inputs, labelling, text, ImageOptions.DEFAULT);
    }

    /**
     * As {@link #read(Path, List, Labelling, TextOptions)}, and also reads images:
     *
     * <ul>
     *   <li>a folder: an image folder, {@code DIR/CLASS/*.png} (or .jpg, .jpeg, .bmp, .gif), class
     *       ids by sorted folder name; without class folders, unlabelled images;</li>
     *   <li>a manifest: a {@code .csv}/{@code .tsv} file with a {@code path} column and the label
     *       column, or a {@code .jsonl} file of {@code {"path": ..., "label": ...}}; paths relative
     *       to the manifest;</li>
     *   <li>a single image file, unlabelled (for prediction).</li>
     * </ul>
     * Returns an {@link ImageDataset}; files are checked (their headers read) now and decoded
     * batch by batch later.
     *
     * @param images how images become samples
     */
    public static Samples read(Path file, List<InputSpec> inputs, Labelling labelling, TextOptions text,
                               ImageOptions images) {
        if (holdsImages(file)) {
            if (ImageFolderReader.isImage(file)) {
                if (labelling.required()) {
                    throw new DataException(file + " is a single image, without a label; labelled images go in a folder"
                            + " DIR/CLASS/ or a manifest");
                }
                return ImageDataset.of(file.toString(), inputs, List.of(file), null, List.of(), images);
            }
            try {
                return Files.isDirectory(file) ? ImageFolderReader.read(file, inputs, images, labelling.required())
                        : ImageManifestReader.read(file, inputs, labelling, images);
            } catch (CharacterCodingException e) {
                throw Utf8.notUtf8(file, e);
            } catch (IOException e) {
                throw new DataException(file + " could not be read: " + reason(e), e);
            }
        }
        String extension = extension(file);
        if (!List.of(".csv", ".tsv", ".npz", ".jsonl").contains(extension)) {
            throw new DataException(file + ": unknown data format; use a .csv, .npz or .jsonl file (or .tsv, or an image"
                    + " folder)");
        }
        if (extension.equals(".jsonl") && text == null) {
            throw new DataException(file + ": a .jsonl file holds text, which needs the model's tokenizer");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + " does not exist or is not a file");
        }
        boolean csv = extension.equals(".csv") || extension.equals(".tsv");
        if (extension.equals(".jsonl") || csv && text != null && holdsText(file)) {
            try {
                return csv ? TextReader.readCsv(file, inputs, labelling.task(), text.tokenizer(), text.knownClasses(),
                        labelling.labelColumn(), labelling.required())
                        : TextReader.read(file, inputs, labelling.task(), text.tokenizer(), text.knownClasses(),
                        labelling.required());
            } catch (CharacterCodingException e) {
                throw Utf8.notUtf8(file, e);
            } catch (IOException e) {
                throw new DataException(file + " could not be read: " + reason(e), e);
            }
        }
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

    /**
     * Whether {@code file} holds text for a tokenizer: a {@code .jsonl} file, or a {@code .csv} or
     * {@code .tsv} file whose header has a {@code text} column. A file that cannot be read counts
     * as not text; reading it then says what is wrong.
     */
    public static boolean holdsText(Path file) {
        String extension = extension(file);
        if (holdsImages(file)) {
            return false;
        }
        if (extension.equals(".jsonl")) {
            return true;
        }
        if (!extension.equals(".csv") && !extension.equals(".tsv") || !Files.isRegularFile(file)) {
            return false;
        }
        try (CsvRows rows = CsvRows.open(file)) {
            return rows.header().contains("text");
        } catch (IOException | DataException unreadable) {
            return false;
        }
    }

    /**
     * Whether {@code file} holds images: a folder, an image file, a {@code .csv} or {@code .tsv}
     * file whose header has a {@code path} column, or a {@code .jsonl} file whose first object has
     * a {@code "path"}.
     */
    public static boolean holdsImages(Path file) {
        if (Files.isDirectory(file) || ImageFolderReader.isImage(file)) {
            return true;
        }
        String extension = extension(file);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        if (extension.equals(".csv") || extension.equals(".tsv")) {
            try (CsvRows rows = CsvRows.open(file)) {
                return rows.header().contains("path") && !rows.header().contains("text");
            } catch (IOException | DataException unreadable) {
                return false;
            }
        }
        if (extension.equals(".jsonl")) {
            try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                String first = lines.filter(line -> !line.isBlank()).findFirst().orElse("");
                JsonNode json = new ObjectMapper().readTree(first);
                return json != null && json.has("path") && !json.has("text");
            } catch (IOException | java.io.UncheckedIOException unreadable) {
                return false;
            }
        }
        return false;
    }

    /** The file name's extension, lower case with its dot, or "" without one. */
    private static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }
}
