package dev.trainer.sinks;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.EvaluationEvent;
import dev.trainer.events.StepEvent;
import dev.trainer.events.TrainingEvent;
import dev.trainer.monitor.ScoresJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The single numbers of a step, epoch or validation event, named as {@code metrics.jsonl} names
 * its fields ({@code loss}, {@code lr}, {@code train_loss}, {@code val_macro_f1}, ...), with a
 * top-k accuracy as {@code val_top_K_accuracy}: what a dashboard plots against the step.
 *
 * @param kind   {@code step}, {@code epoch} or {@code eval}, as metrics.jsonl's {@code event}
 * @param values by name, in the event's order; NaN where a number is undefined
 */
public record EventScalars(String kind, int epoch, long step, Map<String, Double> values) {

    /** The numbers of {@code event}, or {@code null} for an event that is not a step, an epoch or a validation. */
    public static EventScalars of(TrainingEvent event) {
        return switch (event) {
            case StepEvent s -> new EventScalars("step", s.epoch(), s.step(), step(s));
            case EpochEvent e -> new EventScalars("epoch", e.epoch(), e.step(), epoch(e));
            case EvaluationEvent e -> new EventScalars("eval", e.epoch(), e.step(), ScoresJson.scalars("val_", e.validation()));
            default -> null;
        };
    }

    private static Map<String, Double> step(StepEvent s) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", s.loss());
        values.put("lr", s.lr());
        if (!Double.isNaN(s.momentum())) {
            values.put("momentum", s.momentum());
        }
        values.put("step_ms", s.stepMillis());
        return values;
    }

    private static Map<String, Double> epoch(EpochEvent e) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("train_loss", e.trainLoss());
        if (!Double.isNaN(e.trainAccuracy())) {
            values.put("train_accuracy", e.trainAccuracy());
        }
        if (e.validation() != null) {
            values.putAll(ScoresJson.scalars("val_", e.validation()));
            values.put("gap", e.gap());
        }
        return values;
    }
}
