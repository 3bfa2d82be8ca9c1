package dev.trainer.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * The validation metric that ranks checkpoints ({@code --best-metric}): early stopping watches
 * it, and the best checkpoint by it is the one restored and exported. Each is named as
 * {@code metrics.jsonl} names its field.
 */
public enum StoppingMetric implements OptionValue {
    /** The validation loss. */
    VAL_LOSS(Direction.LOWER, Task.ANY),
    /** The fraction of correct argmax predictions. */
    VAL_ACCURACY(Direction.HIGHER, Task.CLASSES),
    /** The unweighted mean of the per-class F1 scores. */
    VAL_MACRO_F1(Direction.HIGHER, Task.CLASSES),
    /** The per-class F1 scores weighted by support. */
    VAL_WEIGHTED_F1(Direction.HIGHER, Task.CLASSES),
    /** ROC-AUC (one-vs-rest, macro, for more than two classes). */
    VAL_ROC_AUC(Direction.HIGHER, Task.CLASSES),
    /** The area under the precision-recall curve (average precision). */
    VAL_PR_AUC(Direction.HIGHER, Task.CLASSES),
    /** The mean −log of the label's softmax probability. */
    VAL_LOG_LOSS(Direction.LOWER, Task.CLASSES),
    /** Top-k accuracy, k from {@code --top-k}. */
    VAL_TOP_K_ACCURACY(Direction.HIGHER, Task.CLASSES),
    /** The mean absolute error. */
    VAL_MAE(Direction.LOWER, Task.VALUES),
    /** The mean squared error. */
    VAL_MSE(Direction.LOWER, Task.VALUES),
    /** The root mean squared error. */
    VAL_RMSE(Direction.LOWER, Task.VALUES),
    /** The coefficient of determination. */
    VAL_R2(Direction.HIGHER, Task.VALUES);

    private enum Direction { LOWER, HIGHER }

    private enum Task { ANY, CLASSES, VALUES }

    private final Direction direction;
    private final Task task;

    StoppingMetric(Direction direction, Task task) {
        this.direction = direction;
        this.task = task;
    }

    /**
     * The metric named {@code text}, with or without its {@code val_} prefix, e.g. {@code val_macro_f1}
     * or {@code roc_auc}.
     *
     * @throws IllegalArgumentException naming the option and every metric
     */
    public static StoppingMetric parse(String text) {
        String name = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace('-', '_');
        String prefixed = name.startsWith("val_") ? name : "val_" + name;
        return Arrays.stream(values()).filter(m -> m.spec().equals(prefixed)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--best-metric '" + text + "': unknown metric; use "
                        + Specs.either(Arrays.stream(values()).map(StoppingMetric::spec).toList())));
    }

    /** Whether a lower value is an improvement: losses and errors. */
    public boolean lowerIsBetter() {
        return direction == Direction.LOWER;
    }

    /** Whether only a classifier has it. */
    public boolean classificationOnly() {
        return task == Task.CLASSES;
    }

    /** Whether only a regressor has it. */
    public boolean regressionOnly() {
        return task == Task.VALUES;
    }

    /** As metrics.jsonl names the field: {@code val_loss}, {@code val_accuracy}, ... */
    @Override
    public String spec() {
        return name().toLowerCase(Locale.ROOT);
    }
}
