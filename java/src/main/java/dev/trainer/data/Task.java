package dev.trainer.data;

/** What the labels mean: class ids or real-valued targets. */
public enum Task {
    CLASSIFICATION,
    REGRESSION
}
