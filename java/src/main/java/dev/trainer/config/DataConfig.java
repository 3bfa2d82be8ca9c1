package dev.trainer.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the examples come from: files as the command line names them. A data set given in memory
 * (the Java API's arrays) has no file: its path is {@code null}.
 *
 * @param train         training data, .csv, .tsv, .npz, .jsonl or an image folder, manifest or image
 *                      ({@code --train}), or {@code null} when given in memory
 * @param validation    validation data ({@code --val}), or {@code null}
 * @param valSplit      fraction of the training data held out (stratified) when there is no validation file; 0 for none
 * @param labelColumn   the CSV column holding the labels ({@code --label-column})
 * @param sampleWeights the CSV column, NPZ array or JSONL field holding per-sample loss weights
 *                      ({@code --sample-weights}), or {@code null} for none
 * @param normalize     per-feature scaling fitted on the training split and baked into the exported model, or {@code null}
 */
public record DataConfig(Path train, Path validation, double valSplit, String labelColumn, String sampleWeights,
                         NormalizeMethod normalize) {

    /** The CSV label column when none is named. */
    public static final String DEFAULT_LABEL_COLUMN = "label";

    /** No files, no split, the default label column, no weights, no normalization. */
    public static final DataConfig DEFAULT = new DataConfig(null, null, 0, DEFAULT_LABEL_COLUMN, null, null);

    /** @throws IllegalArgumentException for a split outside [0, 1), a split beside a validation file, or no label column */
    public DataConfig {
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("--val-split must be in [0, 1), got " + valSplit);
        }
        if (validation != null && valSplit > 0) {
            throw new IllegalArgumentException("give either --val or --val-split, not both");
        }
        if (labelColumn == null || labelColumn.isBlank()) {
            throw new IllegalArgumentException("--label-column must name a column");
        }
        if (sampleWeights != null && sampleWeights.isBlank()) {
            throw new IllegalArgumentException("--sample-weights must name a column, array or field");
        }
    }

    /**
     * Whether a data file holds text by its name: JSONL, tokenized with the model's tokenizer.
     * (A CSV file with a {@code text} column is text too, which only reading it can tell.)
     */
    public static boolean isText(Path file) {
        return file != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
    }

    /** Whether the training data is text. */
    public boolean text() {
        return isText(train);
    }
}
