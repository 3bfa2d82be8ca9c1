package dev.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trainer.DataException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Collects the labels of a file whose samples give them as JSON values, one sample at a time,
 * and turns them into {@link Labels} once the file is read: for classification class ids
 * (integers) or class names (strings), the same kind in every sample, names getting ids in
 * sorted order; for regression numbers. Whether a file has labels is decided by its first
 * sample, so that a label missing halfway is an error rather than a file read without labels.
 * Shared by the text and image-manifest readers.
 */
final class LabelCollector {

    private final Task task;
    private final List<String> knownClasses;
    /** Labels as read: class ids, names or targets, whichever the file has. */
    private final List<Object> labels = new ArrayList<>();
    /** Whether the file has labels, as its first sample says; null before it. */
    private Boolean fileHasLabels;

    /**
     * @param knownClasses the training data's class names, by id, that name labels must be among;
     *                     null when this file defines them (the training file)
     */
    LabelCollector(Task task, List<String> knownClasses) {
        this.task = task;
        this.knownClasses = knownClasses;
    }

    /**
     * Keeps one sample's label.
     *
     * @param label the JSON value, or null (or JSON null) for none
     * @param where the file and line, for error messages
     * @throws DataException for a label of the wrong kind, a missing one where labels are required
     *                       or the file has them, and an unknown class name
     */
    void add(JsonNode label, String where, boolean labelsRequired) {
        boolean present = label != null && !label.isNull();
        if (fileHasLabels == null) {
            fileHasLabels = present;
        }
        if (!present && (labelsRequired || fileHasLabels)) {
            throw new DataException(where + ": no \"label\"");
        }
        if (present && !fileHasLabels) {
            throw new DataException(where + ": a \"label\", but the samples before it have none");
        }
        if (!present) {
            return;
        }
        if (task == Task.REGRESSION) {
            if (!label.isNumber() || !Double.isFinite(label.asDouble())) {
                throw new DataException(where + ": the label must be a finite number for regression, not "
                        + Excerpt.of(label.toString()));
            }
            labels.add((float) label.asDouble());
            return;
        }
        Object value;
        if (label.isIntegralNumber() && label.canConvertToInt() && label.asInt() >= 0) {
            value = label.asInt();
        } else if (label.isTextual()) {
            value = label.asText();
            if (knownClasses != null && !knownClasses.contains(value)) {
                throw new DataException(where + ": unknown class " + Excerpt.quoted((String) value)
                        + "; the training data's classes are "
                        + (knownClasses.isEmpty() ? "integer ids" : Excerpt.of(String.join(", ", knownClasses))));
            }
        } else {
            throw new DataException(where + ": the label must be a class id (an integer >= 0) or a class name"
                    + " (a string), not " + Excerpt.of(label.toString()));
        }
        if (!labels.isEmpty() && labels.getFirst().getClass() != value.getClass()) {
            throw new DataException(where + ": the label " + Excerpt.of(label.toString()) + " is a class "
                    + (value instanceof String ? "name" : "id") + ", but the lines before it give class "
                    + (value instanceof String ? "ids" : "names"));
        }
        labels.add(value);
    }

    /**
     * A label cell of a CSV file as the JSON value it stands for: for classification a cell of
     * digits is a class id and any other a class name; for regression a number (or, when it is
     * none, text that {@link #add} rejects).
     */
    JsonNode cellValue(String cell) {
        if (task == Task.CLASSIFICATION && !cell.isEmpty() && cell.length() < 10
                && cell.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return IntNode.valueOf(Integer.parseInt(cell));
        }
        if (task == Task.REGRESSION) {
            try {
                return DoubleNode.valueOf(Double.parseDouble(cell));
            } catch (NumberFormatException notANumber) {
                return TextNode.valueOf(cell);
            }
        }
        return TextNode.valueOf(cell);
    }

    /**
     * The class names by id: the given ones, or when this file defines them its distinct names
     * sorted (by {@link String#compareTo}), so the ids depend on which classes there are and not
     * on the order of the lines. Empty when the labels are ids or targets.
     */
    List<String> classNames() {
        if (knownClasses != null) {
            return knownClasses;
        }
        if (labels.isEmpty() || !(labels.getFirst() instanceof String)) {
            return List.of();
        }
        TreeSet<String> sorted = new TreeSet<>();
        labels.forEach(name -> sorted.add((String) name));
        return List.copyOf(sorted);
    }

    /** The labels collected, or null when the file has none. */
    Labels labels() {
        if (labels.isEmpty()) {
            return null;
        }
        if (task == Task.REGRESSION) {
            float[] targets = new float[labels.size()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = (Float) labels.get(i);
            }
            return Labels.ofTargets(new long[] {1}, targets);
        }
        List<String> classNames = classNames();
        Map<String, Integer> ids = new HashMap<>();
        for (int id = 0; id < classNames.size(); id++) {
            ids.put(classNames.get(id), id);
        }
        int[] classes = new int[labels.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.get(i) instanceof String name ? ids.get(name) : (Integer) labels.get(i);
        }
        return Labels.ofClasses(classes);
    }
}
