package dev.trainer.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.events.ClassScores;
import dev.trainer.events.ClassificationScores;
import dev.trainer.events.ConfusionMatrix;
import dev.trainer.events.RegressionScores;
import dev.trainer.events.Scores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON fields of {@link Scores}, both ways: {@code loss}, {@code samples}; for classes
 * {@code accuracy}, {@code macro_f1}, {@code weighted_f1}, {@code roc_auc}, {@code pr_auc},
 * {@code log_loss}, {@code top_k_accuracy} ({@code {"5": ..}}), {@code predicted_share} (by
 * class), {@code per_class} ({@code [{"class", "precision", "recall", "f1", "support"}, ..]}) and
 * {@code confusion_matrix} ({@code {"classes": [names], "matrix": [[counts of label 0 by
 * prediction], ..]}}); for values {@code mae}, {@code mse}, {@code rmse}, {@code r2}. In
 * {@code metrics.jsonl} every field is prefixed {@code val_}; {@code trainer evaluate --json}
 * writes them bare. A non-finite number is {@code null}.
 */
public final class ScoresJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private ScoresJson() {
    }

    /** The scores as an object with bare field names. */
    public static ObjectNode write(Scores scores) {
        return write(JSON.objectNode(), "", scores);
    }

    /** Adds the scores' fields to {@code line}, each name after {@code prefix}. */
    public static ObjectNode write(ObjectNode line, String prefix, Scores scores) {
        numbers(scores).forEach((name, value) -> number(line, prefix + name, value));
        if (scores.classification() != null) {
            classification(line, prefix, scores.classification());
        }
        return line.put(prefix + "samples", scores.samples());
    }

    /**
     * The scores' single numbers by name, each after {@code prefix}, as dashboards plot them: the
     * fields above and each top-k accuracy as {@code top_K_accuracy}.
     */
    public static Map<String, Double> scalars(String prefix, Scores scores) {
        Map<String, Double> scalars = new LinkedHashMap<>();
        numbers(scores).forEach((name, value) -> scalars.put(prefix + name, value));
        if (scores.classification() != null) {
            scores.classification().topK().forEach((k, value) -> scalars.put(prefix + "top_" + k + "_accuracy", value));
        }
        return scalars;
    }

    /** The loss and the regressor's or classifier's single-number scores, by bare name. */
    private static Map<String, Double> numbers(Scores scores) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        numbers.put("loss", scores.loss());
        RegressionScores r = scores.regression();
        if (r != null) {
            numbers.put("mae", r.meanAbsoluteError());
            numbers.put("mse", r.meanSquaredError());
            numbers.put("rmse", r.rootMeanSquaredError());
            numbers.put("r2", r.r2());
        }
        ClassificationScores c = scores.classification();
        if (c != null) {
            numbers.put("accuracy", c.accuracy());
            numbers.put("macro_f1", c.macroF1());
            numbers.put("weighted_f1", c.weightedF1());
            numbers.put("roc_auc", c.rocAuc());
            numbers.put("pr_auc", c.prAuc());
            numbers.put("log_loss", c.logLoss());
        }
        return numbers;
    }

    /** The classifier's fields that are more than one number. */
    private static void classification(ObjectNode line, String prefix, ClassificationScores c) {
        if (!c.topK().isEmpty()) {
            ObjectNode top = line.putObject(prefix + "top_k_accuracy");
            c.topK().forEach((k, value) -> number(top, Integer.toString(k), value));
        }
        if (!c.predictedShare().isEmpty()) {
            ArrayNode share = line.putArray(prefix + "predicted_share");
            c.predictedShare().forEach(v -> number(share, v));
        }
        if (!c.perClass().isEmpty()) {
            ArrayNode classes = line.putArray(prefix + "per_class");
            for (int i = 0; i < c.perClass().size(); i++) {
                ClassScores s = c.perClass().get(i);
                ObjectNode entry = classes.addObject().put("class", c.confusion() == null ? Integer.toString(i)
                        : c.confusion().className(i));
                number(entry, "precision", s.precision());
                number(entry, "recall", s.recall());
                number(entry, "f1", s.f1());
                entry.put("support", s.support());
            }
        }
        if (c.confusion() != null) {
            line.set(prefix + "confusion_matrix", confusion(c.confusion()));
        }
    }

    private static ObjectNode confusion(ConfusionMatrix m) {
        ObjectNode json = JSON.objectNode();
        ArrayNode names = json.putArray("classes");
        ArrayNode matrix = json.putArray("matrix");
        for (int label = 0; label < m.classes(); label++) {
            names.add(m.className(label));
            ArrayNode row = matrix.addArray();
            for (int predicted = 0; predicted < m.classes(); predicted++) {
                row.add(m.count(label, predicted));
            }
        }
        return json;
    }

    /** The scores an object of bare field names holds, as {@link #write(Scores)} wrote them. */
    public static Scores read(JsonNode scores) {
        return read(new EventFields(scores, "scores", true), "");
    }

    /**
     * The scores whose fields, after {@code prefix}, an object holds. A classifier's are there
     * when any of its fields is, a regressor's likewise; fields not recorded read as NaN or empty.
     */
    static Scores read(EventFields in, String prefix) {
        boolean regression = List.of("mae", "mse", "rmse", "r2").stream().anyMatch(f -> in.has(prefix + f));
        boolean classification = List.of("accuracy", "macro_f1", "per_class", "confusion_matrix", "predicted_share")
                .stream().anyMatch(f -> in.has(prefix + f));
        return new Scores(in.number(prefix + "loss"), (int) in.optionalInteger(prefix + "samples"),
                classification ? classification(in, prefix) : null,
                regression ? new RegressionScores(in.number(prefix + "mae"), in.number(prefix + "mse"),
                        in.number(prefix + "rmse"), in.number(prefix + "r2")) : null);
    }

    private static ClassificationScores classification(EventFields in, String prefix) {
        SortedMap<Integer, Double> topK = new TreeMap<>();
        if (in.has(prefix + "top_k_accuracy")) {
            EventFields top = in.object(prefix + "top_k_accuracy");
            for (Map.Entry<String, JsonNode> e : top.event().properties()) {
                try {
                    topK.put(Integer.parseInt(e.getKey()), top.number(e.getKey()));
                } catch (NumberFormatException notAK) {
                    throw top.error("\"" + e.getKey() + "\" is not a k");
                }
            }
        }
        List<ClassScores> perClass = new ArrayList<>();
        if (in.has(prefix + "per_class")) {
            for (EventFields c : in.objects(prefix + "per_class")) {
                perClass.add(new ClassScores(c.number("precision"), c.number("recall"), c.number("f1"),
                        c.optionalInteger("support")));
            }
        }
        ConfusionMatrix confusion = in.has(prefix + "confusion_matrix") ? confusion(in.object(prefix + "confusion_matrix"))
                : null;
        return new ClassificationScores(in.number(prefix + "accuracy"), in.number(prefix + "macro_f1"),
                in.number(prefix + "weighted_f1"), in.number(prefix + "roc_auc"), in.number(prefix + "pr_auc"),
                in.number(prefix + "log_loss"), topK, perClass, in.numbers(prefix + "predicted_share"), confusion);
    }

    /** Class names that are just the ids read back as no names, as they were written. */
    private static ConfusionMatrix confusion(EventFields in) {
        List<String> names = new ArrayList<>();
        if (in.has("classes")) {
            in.node("classes").forEach(n -> names.add(n.asText()));
        }
        JsonNode rows = in.node("matrix");
        if (rows == null || !rows.isArray()) {
            throw in.error("no \"matrix\" of counts");
        }
        long[][] counts = new long[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            counts[r] = new long[rows.get(r).size()];
            for (int c = 0; c < counts[r].length; c++) {
                JsonNode v = rows.get(r).get(c);
                if (!v.canConvertToLong() || !v.isIntegralNumber()) {
                    throw in.error("\"matrix\" holds " + v + ", not a count");
                }
                counts[r][c] = v.asLong();
            }
        }
        boolean ids = true;
        for (int c = 0; c < names.size(); c++) {
            ids &= names.get(c).equals(Integer.toString(c));
        }
        try {
            return new ConfusionMatrix(counts, ids ? List.of() : names);
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
    }

    private static void number(ObjectNode json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        } else {
            json.putNull(field);
        }
    }

    private static void number(ArrayNode array, double value) {
        if (Double.isFinite(value)) {
            array.add(value);
        } else {
            array.addNull();
        }
    }
}
