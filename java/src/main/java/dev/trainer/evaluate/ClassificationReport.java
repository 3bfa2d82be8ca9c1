package dev.trainer.evaluate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * A classifier's scores on a labelled data set, as {@link ClassificationMetrics} computes them.
 *
 * @param perClass         scores of every class of the model, by class id
 * @param macroF1          unweighted mean F1 over the classes in the labels or the predictions
 * @param weightedF1       mean F1 weighted by support
 * @param rocAuc           binary: of class 1's probability; more classes: one-vs-rest, the mean
 *                         over the classes that occur in the labels; NaN when undefined
 * @param averagePrecision PR-AUC as average precision, averaged like {@code rocAuc}
 * @param logLoss          mean negative log-likelihood of the labels under the softmax
 * @param topK             top-k accuracy by k
 */
public record ClassificationReport(int samples, double accuracy, List<ClassScores> perClass, double macroF1,
                                   double weightedF1, double rocAuc, double averagePrecision, double logLoss,
                                   SortedMap<Integer, Double> topK, ConfusionMatrix confusion) {

    public ClassificationReport {
        perClass = List.copyOf(perClass);
        topK = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(topK));
    }

    /**
     * The scores by name, as {@code metrics.jsonl} and {@code --json} write them: {@code accuracy},
     * {@code macro_f1}, {@code weighted_f1}, {@code roc_auc}, {@code pr_auc}, {@code log_loss},
     * {@code top_k_accuracy} ({@code {"3": ...}}), {@code per_class} (one object per class with
     * {@code class}, {@code precision}, {@code recall}, {@code f1}, {@code support}) and
     * {@code confusion_matrix}; an undefined value is {@code null}.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("samples", samples);
        number(json, "accuracy", accuracy);
        number(json, "macro_f1", macroF1);
        number(json, "weighted_f1", weightedF1);
        number(json, "roc_auc", rocAuc);
        number(json, "pr_auc", averagePrecision);
        number(json, "log_loss", logLoss);
        ObjectNode top = json.putObject("top_k_accuracy");
        topK.forEach((k, value) -> number(top, Integer.toString(k), value));
        var classes = json.putArray("per_class");
        for (int c = 0; c < perClass.size(); c++) {
            ClassScores s = perClass.get(c);
            ObjectNode entry = classes.addObject().put("class", confusion.className(c));
            number(entry, "precision", s.precision());
            number(entry, "recall", s.recall());
            number(entry, "f1", s.f1());
            entry.put("support", s.support());
        }
        json.set("confusion_matrix", confusion.toJson());
        return json;
    }

    /** The scores for a terminal: the summary, a per-class table and the confusion matrix. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append(line("samples", Integer.toString(samples)));
        s.append(line("accuracy", format(accuracy)));
        topK.forEach((k, value) -> s.append(line("top_" + k + "_accuracy", format(value))));
        s.append(line("macro_f1", format(macroF1)));
        s.append(line("weighted_f1", format(weightedF1)));
        s.append(line("roc_auc", format(rocAuc)));
        s.append(line("pr_auc", format(averagePrecision)));
        s.append(line("log_loss", format(logLoss)));
        s.append('\n').append(perClassTable()).append('\n').append(confusion.render());
        return s.toString();
    }

    private String perClassTable() {
        int width = "class".length();
        for (int c = 0; c < perClass.size(); c++) {
            width = Math.max(width, confusion.className(c).length());
        }
        String row = "%-" + width + "s  %9s  %9s  %9s  %9s%n";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, row, "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < perClass.size(); c++) {
            ClassScores scores = perClass.get(c);
            s.append(String.format(Locale.ROOT, row, confusion.className(c), format(scores.precision()),
                    format(scores.recall()), format(scores.f1()), scores.support()));
        }
        return s.toString();
    }

    private static String line(String name, String value) {
        return String.format(Locale.ROOT, "%-16s %s%n", name, value);
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** JSON has no NaN: an undefined score is null. */
    static void number(ObjectNode json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }
}
