package dev.trainer.events;

/**
 * A line for the person watching: what the run decided or found on the way (parameter counts,
 * classes seen, samples held out, gradual unfreezing, the exported file).
 */
public record NoteEvent(String text) implements TrainingEvent {
}
