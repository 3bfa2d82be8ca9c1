package dev.trainer.evaluate;

import dev.trainer.events.ClassScores;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.ConfusionMatrix;
import dev.trainer.events.RegressionScores;
import dev.trainer.events.Scores;
import java.util.List;
import java.util.Locale;

/**
 * Scores as text for a terminal: one score a line, then for classes a per-class table
 * (precision, recall, F1, support by class name) and the confusion matrix, rows the true classes
 * and columns the predictions. An undefined score reads {@code n/a}.
 */
public final class ScoreTables {

    private ScoreTables() {
    }

    /** Everything the scores hold. */
    public static String render(Scores scores) {
        StringBuilder s = new StringBuilder();
        s.append(line("samples", Integer.toString(scores.samples())));
        s.append(line("loss", format(scores.loss(), 6)));
        if (scores.regression() != null) {
            RegressionScores r = scores.regression();
            s.append(line("mae", format(r.meanAbsoluteError(), 6))).append(line("mse", format(r.meanSquaredError(), 6)))
                    .append(line("rmse", format(r.rootMeanSquaredError(), 6))).append(line("r2", format(r.r2(), 4)));
        }
        if (scores.classification() != null) {
            classification(s, scores.classification());
        }
        return s.toString();
    }

    private static void classification(StringBuilder s, ClassificationScores c) {
        s.append(line("accuracy", format(c.accuracy(), 4)));
        c.topK().forEach((k, value) -> s.append(line("top_" + k + "_accuracy", format(value, 4))));
        s.append(line("macro_f1", format(c.macroF1(), 4))).append(line("weighted_f1", format(c.weightedF1(), 4)))
                .append(line("roc_auc", format(c.rocAuc(), 4))).append(line("pr_auc", format(c.prAuc(), 4)))
                .append(line("log_loss", format(c.logLoss(), 4)));
        if (c.confusion() != null) {
            s.append('\n').append(perClass(c.perClass(), c.confusion())).append('\n').append(confusion(c.confusion()));
        }
    }

    /** Precision, recall, F1 and support, one class a row. */
    static String perClass(List<ClassScores> perClass, ConfusionMatrix names) {
        int width = "class".length();
        for (int c = 0; c < perClass.size(); c++) {
            width = Math.max(width, names.className(c).length());
        }
        String row = "%-" + width + "s  %9s  %9s  %9s  %9s%n";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, row, "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < perClass.size(); c++) {
            ClassScores scores = perClass.get(c);
            s.append(String.format(Locale.ROOT, row, names.className(c), format(scores.precision(), 4),
                    format(scores.recall(), 4), format(scores.f1(), 4), scores.support()));
        }
        return s.toString();
    }

    /**
     * The matrix as a table: one row per true class, named; one column per predicted class,
     * headed by its name, or by its id when some name is too wide (each row then shows the id
     * beside the name).
     */
    static String confusion(ConfusionMatrix m) {
        List<String> headers = m.columnLabels();
        List<String> rows = m.rowLabels();
        int width = 1;
        for (int label = 0; label < m.classes(); label++) {
            for (int predicted = 0; predicted < m.classes(); predicted++) {
                width = Math.max(width, Long.toString(m.count(label, predicted)).length());
            }
            width = Math.max(width, headers.get(label).length());
        }
        String corner = "true \\ predicted";
        int rowLabelWidth = Math.max(corner.length(), rows.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder s = new StringBuilder(pad(corner, rowLabelWidth, false));
        for (String header : headers) {
            s.append("  ").append(pad(header, width, true));
        }
        s.append('\n');
        for (int label = 0; label < m.classes(); label++) {
            s.append(pad(rows.get(label), rowLabelWidth, false));
            for (int predicted = 0; predicted < m.classes(); predicted++) {
                s.append("  ").append(pad(Long.toString(m.count(label, predicted)), width, true));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private static String line(String name, String value) {
        return String.format(Locale.ROOT, "%-16s %s%n", name, value);
    }

    private static String format(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String pad(String text, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - text.length()));
        return right ? fill + text : text + fill;
    }
}
