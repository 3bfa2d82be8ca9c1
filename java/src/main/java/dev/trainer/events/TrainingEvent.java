package dev.trainer.events;

/**
 * Something a training run did or measured. {@code metrics.jsonl} holds one line per event, in the
 * order they happened, and a {@link TrainingListener} receives the same records as they happen:
 * what is written is what listeners hear, and what {@code trainer diagnose} reads back.
 */
public sealed interface TrainingEvent permits StepEvent, EpochStartEvent, EpochEvent, EvaluationEvent, LayersEvent,
        CheckpointEvent, RestoreEvent, DiagnosisEvent, NoteEvent {
}
