package dev.trainer.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A classifier's scores on labelled data, each as scikit-learn defines it. A score a metrics
 * file did not record reads back as NaN (numbers), empty (lists, top-k) or {@code null} (the
 * confusion matrix).
 *
 * @param accuracy       the fraction of correct argmax predictions
 * @param macroF1        the unweighted mean F1 over the classes in the labels or the predictions
 * @param weightedF1     the mean F1 weighted by support
 * @param rocAuc         binary: of class 1's probability; more classes: one-vs-rest, the mean over
 *                       the classes in the labels; NaN when undefined (one class only)
 * @param prAuc          the area under the precision-recall curve as average precision, averaged
 *                       as {@code rocAuc}
 * @param logLoss        the mean −log of the label's softmax probability
 * @param topK           top-k accuracy by k (the label among the k highest scores)
 * @param perClass       precision, recall, F1 and support of every class of the model, by id
 * @param predictedShare per class: the fraction of all predictions that went to it
 * @param confusion      counts by (label, prediction), with the class names; {@code null} when not recorded
 */
public record ClassificationScores(double accuracy, double macroF1, double weightedF1, double rocAuc, double prAuc,
                                   double logLoss, SortedMap<Integer, Double> topK, List<ClassScores> perClass,
                                   List<Double> predictedShare, ConfusionMatrix confusion) {

    public ClassificationScores {
        topK = Collections.unmodifiableSortedMap(new TreeMap<>(topK));
        perClass = List.copyOf(perClass);
        predictedShare = List.copyOf(predictedShare);
    }

    /**
     * Per class: of the samples labelled with it, the fraction predicted as it; NaN for a class
     * absent from the data (where {@link ClassScores#recall()} says 0, as scikit-learn does).
     */
    public List<Double> recall() {
        List<Double> recall = new ArrayList<>(perClass.size());
        perClass.forEach(c -> recall.add(c.support() == 0 ? Double.NaN : c.recall()));
        return recall;
    }

    /** The class names by id, from the confusion matrix; empty when it has none or was not recorded. */
    public List<String> classNames() {
        return confusion == null ? List.of() : confusion.classNames();
    }
}
