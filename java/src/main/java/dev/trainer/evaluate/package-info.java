/**
 * Scores of a model's predictions against labels, as scikit-learn defines them: per-class
 * precision, recall, F1 and support, macro and weighted F1, ROC-AUC and average precision,
 * log loss, top-k accuracy and the confusion matrix for classes; MAE, MSE, RMSE and R² for
 * values. Accumulated batch by batch from raw model outputs, reported as records that render
 * as text tables and as JSON (for {@code metrics.jsonl} and {@code --json}).
 *
 * <p>Pure computation on Java arrays: nothing here runs a model or touches native memory.
 */
package dev.trainer.evaluate;
