package dev.trainer;

import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.TrainingEvent;
import java.nio.file.Path;
import java.util.List;

/**
 * What a fine-tune left.
 *
 * @param runDir     the run folder: {@code model.onnx}, {@code run.json}, {@code metrics.jsonl}, {@code training.png}
 * @param model      the fine-tuned model, loadable by plain ONNX Runtime
 * @param validation the validation scores of the exported parameters (the best checkpoint's when
 *                   early stopping restored one), or {@code null} without validation data
 * @param trainLoss  the last finished epoch's training loss
 * @param epochs     epochs run
 * @param steps      optimizer steps taken
 * @param bestEpoch  the epoch of the restored best checkpoint, or 0 when the last parameters were kept
 * @param stopReason why training stopped
 * @param events     every event of the run, in order: what {@code metrics.jsonl} holds
 */
public record FineTuningResult(Path runDir, Path model, Scores validation, double trainLoss, int epochs, long steps,
                               int bestEpoch, String stopReason, List<TrainingEvent> events) {

    public FineTuningResult {
        events = List.copyOf(events);
    }

    /** The validation accuracy of the exported model, or NaN without validation data or for regression. */
    public double validationAccuracy() {
        return validation == null ? Double.NaN : validation.accuracy();
    }

    /** The diagnosis the run ended with. */
    public DiagnosisEvent diagnosis() {
        return events.reversed().stream().filter(e -> e instanceof DiagnosisEvent).map(e -> (DiagnosisEvent) e)
                .findFirst().orElseThrow();
    }
}
