package dev.trainer.sinks.tensorboard;

import dev.trainer.events.ConfusionMatrix;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.EvaluationEvent;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.RunControl;
import dev.trainer.events.Scores;
import dev.trainer.events.TrainingEvent;
import dev.trainer.events.TrainingListener;
import dev.trainer.monitor.ConfusionHeatmap;
import dev.trainer.sinks.EventScalars;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run as TensorBoard shows it, in {@code DIR/tb/}: against the step, the training loss, learning
 * rate (and cycled momentum) of every step under {@code train/}, each epoch's summary under
 * {@code epoch/}, every validation's scores under {@code val/} with its confusion matrix as the
 * image {@code val/confusion_matrix}, the per-layer gradient and update norms under
 * {@code layers/NAME/}, and the run's settings as a text table. Owns the event file; close it.
 */
public final class TensorBoardListener implements TrainingListener, AutoCloseable {

    private final TensorBoardWriter writer;

    /**
     * Creates {@code runDir/tb/} and an event file in it, and writes the settings.
     *
     * @param settings the run's settings by name, e.g. {@code optimizer.learning_rate}
     */
    public TensorBoardListener(Path runDir, Map<String, ?> settings) {
        this.writer = TensorBoardWriter.create(runDir);
        writer.settings(settings);
    }

    /** The event file. */
    public Path file() {
        return writer.file();
    }

    /** A resumed run goes on from {@code step}: the earlier files' events from there on are dropped. */
    public void resumedAt(long step) {
        writer.restart(step);
    }

    @Override
    public void onEvent(TrainingEvent event, RunControl control) {
        EventScalars scalars = EventScalars.of(event);
        if (scalars != null) {
            Map<String, Double> tagged = new LinkedHashMap<>();
            scalars.values().forEach((name, value) -> tagged.put(tag(scalars.kind(), name), value));
            writer.scalars(scalars.step(), tagged);
        }
        switch (event) {
            case EpochEvent e when e.validation() != null -> confusion(e.validation(), e.epoch(), e.step());
            case EvaluationEvent e -> confusion(e.validation(), e.epoch(), e.step());
            case LayersEvent l -> layers(l);
            default -> {
                // steps and epochs without validation were scalars only; notes and the rest stay in metrics.jsonl
            }
        }
    }

    /** {@code val_x} as {@code val/x}; a step's numbers under {@code train/}, an epoch's under {@code epoch/}. */
    static String tag(String kind, String name) {
        if (name.startsWith("val_")) {
            return "val/" + name.substring("val_".length());
        }
        return (kind.equals("step") ? "train/" : kind + "/") + name;
    }

    private void confusion(Scores validation, int epoch, long step) {
        ConfusionMatrix matrix = validation.classification() == null ? null : validation.classification().confusion();
        if (matrix != null) {
            writer.image("val/confusion_matrix", step,
                    ConfusionHeatmap.of(matrix, "epoch " + epoch + ", step " + step).render());
        }
    }

    private void layers(LayersEvent event) {
        Map<String, Double> norms = new LinkedHashMap<>();
        for (LayersEvent.Layer layer : event.layers()) {
            norms.put("layers/" + layer.name() + "/grad_norm", layer.gradNorm());
            norms.put("layers/" + layer.name() + "/update_norm", layer.updateNorm());
        }
        writer.scalars(event.step(), norms);
    }

    @Override
    public void close() {
        writer.close();
    }
}
