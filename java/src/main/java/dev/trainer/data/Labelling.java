package dev.trainer.data;

/**
 * Where a data file keeps what the loss compares against: the labels' meaning, the CSV column
 * holding them, the column (CSV) or array (NPZ) holding per-sample loss weights, and whether the
 * file must have labels at all.
 *
 * @param labelColumn   the CSV label column; NPZ files keep their labels in {@code labels}
 * @param sampleWeights the CSV column or NPZ array of per-sample weights, or {@code null}: read
 *                      when the file has it, which a training run then requires
 * @param required      false to accept a file without labels, as prediction does
 */
public record Labelling(Task task, String labelColumn, String sampleWeights, boolean required) {

    /** Labels required, in {@code labelColumn} of a CSV file, no weights. */
    public static Labelling of(Task task, String labelColumn) {
        return new Labelling(task, labelColumn, null, true);
    }
}
