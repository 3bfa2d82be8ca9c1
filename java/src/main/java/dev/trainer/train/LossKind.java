package dev.trainer.train;

/** The losses trainer trains with: cross-entropy over logits for classes, squared error for values. */
public enum LossKind {
    CROSS_ENTROPY, MSE;

    public String cliName() {
        return this == CROSS_ENTROPY ? "cross-entropy" : "mse";
    }

    public dev.trainer.data.Task task() {
        return this == CROSS_ENTROPY ? dev.trainer.data.Task.CLASSIFICATION : dev.trainer.data.Task.REGRESSION;
    }
}
