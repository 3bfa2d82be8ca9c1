package dev.trainer.data;

import dev.trainer.config.LossKind;

/** What the labels mean: class ids or real-valued targets. */
public enum Task {
    CLASSIFICATION,
    REGRESSION;

    /** The labels a loss reads: classes for cross-entropy, targets for squared error. */
    public static Task of(LossKind loss) {
        return loss.classification() ? CLASSIFICATION : REGRESSION;
    }
}
