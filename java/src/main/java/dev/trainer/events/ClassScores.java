package dev.trainer.events;

/**
 * One class's scores, scikit-learn's {@code precision_recall_fscore_support} with
 * {@code zero_division=0}: a ratio whose denominator is 0 (a class never predicted has no
 * precision, one never labelled no recall) is 0.
 *
 * @param support how many samples are labelled with the class
 */
public record ClassScores(double precision, double recall, double f1, long support) {

    /**
     * The scores from the counts of one class.
     *
     * @param truePositives samples of the class predicted as it
     * @param predicted     samples predicted as the class
     * @param support       samples of the class
     */
    public static ClassScores of(long truePositives, long predicted, long support) {
        double precision = ratio(truePositives, predicted);
        double recall = ratio(truePositives, support);
        double f1 = predicted + support == 0 ? 0 : 2.0 * truePositives / (predicted + support);
        return new ClassScores(precision, recall, f1, support);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }
}
