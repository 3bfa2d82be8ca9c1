package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * A class the model has given up on, from the last epoch that recorded {@code val_recall} and
 * {@code val_predicted_share}: some class's recall near 0 (overall accuracy can look fine when
 * the class is rare), or one class taking nearly all predictions while another is rarely
 * recognised. Judged at the last such epoch only: early epochs often pass through this.
 */
final class ClassCollapseDetector implements Detector {

    /** Recall at or below which a class counts as never recognised. */
    static final double NEAR_ZERO_RECALL = 0.05;
    /** Share of all predictions at or above which one class dominates. */
    static final double DOMINANT_SHARE = 0.9;
    /** With a dominant class, another class's recall at or below this confirms the collapse. */
    static final double WEAK_RECALL = 0.2;

    @Override
    public List<Finding> detect(RunHistory run) {
        List<EpochEvent> recorded = run.epochs().stream().filter(e -> !e.valRecall().isEmpty()).toList();
        if (recorded.isEmpty()) {
            return List.of();
        }
        EpochEvent last = recorded.getLast();
        List<Double> recall = last.valRecall();
        int dominant = dominantClass(last.valPredictedShare());
        List<Integer> collapsed = new ArrayList<>();
        boolean someWeak = false;
        for (int c = 0; c < recall.size(); c++) {
            double r = recall.get(c); // NaN, a class absent from the validation data, compares false
            if (r <= NEAR_ZERO_RECALL) {
                collapsed.add(c);
            }
            someWeak |= c != dominant && r <= WEAK_RECALL;
        }
        if (collapsed.isEmpty() && !(dominant >= 0 && someWeak)) {
            return List.of();
        }
        StringBuilder evidence = new StringBuilder("at epoch " + last.epoch());
        String title;
        if (!collapsed.isEmpty()) {
            int c = collapsed.getFirst();
            int epochs = 0;
            for (int i = recorded.size() - 1; i >= 0 && recorded.get(i).valRecall().size() > c
                    && recorded.get(i).valRecall().get(c) <= NEAR_ZERO_RECALL; i--) {
                epochs++;
            }
            title = (collapsed.size() == 1 ? "class " + c + " is" : "classes " + joined(collapsed) + " are")
                    + " almost never recognised";
            evidence.append(", val_recall is ").append(joined(collapsed.stream().map(i -> num(recall.get(i))).toList()))
                    .append(collapsed.size() == 1 ? " for class " : " for classes ").append(joined(collapsed));
            if (epochs > 1) {
                evidence.append(" (class ").append(c).append(" for the last ").append(epochs).append(" epochs)");
            }
        } else {
            title = "predictions are dominated by class " + dominant;
            evidence.append(", the lowest val_recall of another class is ").append(num(
                    recall.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).min().orElseThrow()));
        }
        if (Double.isFinite(last.valAccuracy())) {
            evidence.append(", while val_accuracy is ").append(num(last.valAccuracy()));
        }
        if (dominant >= 0) {
            evidence.append("; class ").append(dominant).append(" takes ")
                    .append(Curves.share(last.valPredictedShare().get(dominant))).append(" of the predictions");
        }
        return List.of(new Finding(Kind.CLASS_COLLAPSE, Severity.WARNING, title, evidence.append('.').toString(),
                List.of(Suggestions.classWeights(), Suggestions.balancedSampler(), Suggestions.smote())));
    }

    /** The class holding at least {@value #DOMINANT_SHARE} of the predictions, or -1. */
    private static int dominantClass(List<Double> share) {
        for (int c = 0; share.size() >= 2 && c < share.size(); c++) {
            if (share.get(c) >= DOMINANT_SHARE) {
                return c;
            }
        }
        return -1;
    }

    private static String joined(List<?> items) {
        return String.join(", ", items.stream().map(String::valueOf).toList());
    }
}
