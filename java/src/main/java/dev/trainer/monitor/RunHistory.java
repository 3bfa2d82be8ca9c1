package dev.trainer.monitor;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.RestoreEvent;
import dev.trainer.events.StepEvent;
import dev.trainer.events.TrainingEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's history as the detectors and the plot read it: its step, epoch and layer events in
 * order, and which epoch early stopping restored. Made from the events a run emitted, in memory
 * or read back from {@code metrics.jsonl}.
 *
 * @param restoredEpoch the epoch whose checkpoint early stopping restored and exported, or 0
 */
public record RunHistory(List<StepEvent> steps, List<EpochEvent> epochs, List<LayersEvent> layers, int restoredEpoch) {

    public RunHistory {
        steps = List.copyOf(steps);
        epochs = List.copyOf(epochs);
        layers = List.copyOf(layers);
    }

    /**
     * Reads a {@code metrics.jsonl}.
     *
     * @throws MetricsFileException when the file is missing or unreadable, or a line is not a well-formed event
     */
    public static RunHistory read(Path metricsJsonl) {
        return of(MetricsFile.read(metricsJsonl));
    }

    /** The history of events in the order they happened; kinds it does not use are skipped. */
    public static RunHistory of(List<? extends TrainingEvent> events) {
        List<StepEvent> steps = new ArrayList<>();
        List<EpochEvent> epochs = new ArrayList<>();
        List<LayersEvent> layers = new ArrayList<>();
        int restored = 0;
        for (TrainingEvent event : events) {
            switch (event) {
                case StepEvent s -> steps.add(s);
                case EpochEvent e -> epochs.add(e);
                case LayersEvent l -> layers.add(l);
                case RestoreEvent r -> restored = r.epoch();
                default -> {
                    // notes, evaluations, checkpoints, diagnoses: not part of the curves
                }
            }
        }
        return new RunHistory(steps, epochs, layers, restored);
    }

    /** Whether any epoch recorded a validation loss (finite or not). */
    public boolean hasValidation() {
        return epochs.stream().anyMatch(e -> !Double.isNaN(e.valLoss()));
    }
}
