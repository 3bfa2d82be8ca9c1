package dev.trainer.config;

/**
 * What each validation reports besides the fixed scores (loss; per-class precision, recall, F1
 * and support, macro and weighted F1, ROC-AUC, PR-AUC, log loss and the confusion matrix for
 * classes; MAE, MSE, RMSE and R² for values).
 *
 * @param topK the k of the top-k accuracy ({@code --top-k}), reported when the model has more
 *             than k classes
 */
public record EvaluationConfig(int topK) {

    /** Top-5 accuracy, as ImageNet results quote it. */
    public static final EvaluationConfig DEFAULT = new EvaluationConfig(5);

    /** @throws IllegalArgumentException for a k below 1 */
    public EvaluationConfig {
        if (topK < 1) {
            throw new IllegalArgumentException("--top-k must be at least 1, got " + topK);
        }
    }
}
