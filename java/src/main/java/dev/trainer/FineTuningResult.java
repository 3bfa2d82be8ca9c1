package dev.trainer;

import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.TrainingEvent;
import dev.trainer.run.FineTuneRun;
import dev.trainer.train.loop.TrainingLoop;
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
 * @param status     {@link RunStatus#COMPLETED}, {@link RunStatus#STOPPED_EARLY} or
 *                   {@link RunStatus#INTERRUPTED} (then nothing was exported: resume it with
 *                   {@link FineTuning#resume})
 * @param checkpoint the last checkpoint written, which {@link FineTuning#resume} continues from, or {@code null}
 */
public record FineTuningResult(Path runDir, Path model, Scores validation, double trainLoss, int epochs, long steps,
                               int bestEpoch, String stopReason, List<TrainingEvent> events, RunStatus status,
                               Path checkpoint) {

    public FineTuningResult {
        events = List.copyOf(events);
    }

    /** What a run left, as the API reports it. */
    static FineTuningResult of(FineTuneRun.Result r) {
        TrainingLoop.Outcome o = r.outcome();
        return new FineTuningResult(r.folder().dir(), r.folder().model(), o.validation(), o.trainLoss(), o.epochs(),
                o.steps(), o.bestEpoch(), o.stopReason(), r.events(), r.status(),
                r.checkpoint() == null ? null : r.checkpoint().file());
    }

    /** The validation accuracy of the exported model, or NaN without validation data or for regression. */
    public double validationAccuracy() {
        return validation == null ? Double.NaN : validation.accuracy();
    }

    /** The diagnosis the run ended with, or {@code null} for an interrupted run, which ends without one. */
    public DiagnosisEvent diagnosis() {
        return events.reversed().stream().filter(e -> e instanceof DiagnosisEvent).map(e -> (DiagnosisEvent) e)
                .findFirst().orElse(null);
    }
}
