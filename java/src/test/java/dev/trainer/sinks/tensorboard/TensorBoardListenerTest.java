package dev.trainer.sinks.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trainer.evaluate.ClassificationMetrics;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.NoteEvent;
import dev.trainer.events.Scores;
import dev.trainer.events.StepEvent;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events of a run as TensorBoard reads them back from the event file. */
class TensorBoardListenerTest {

    @TempDir
    Path dir;

    @Test
    void stepsEpochsLayersAndTheConfusionMatrixBecomeTaggedSummaries() {
        ClassificationMetrics metrics = new ClassificationMetrics(3);
        metrics.add(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}, new int[] {0, 1, 2, 2});
        Scores validation = new Scores(0.6, 4, metrics.report(List.of("a", "b", "c"), 2), null);
        Path file;
        try (TensorBoardListener tb = new TensorBoardListener(dir, Map.of("optimizer.kind", "adam"))) {
            tb.onEvent(new StepEvent(1, 1, 1.25, 0.01, 0.9, 3.0, 4), null);
            tb.onEvent(new NoteEvent("nothing to plot"), null);
            tb.onEvent(new LayersEvent(1, List.of(new LayersEvent.Layer("fc1", 10, 0.5, 2.0, 0.01, 0.005, 0, 0.2, false))),
                    null);
            tb.onEvent(new EpochEvent(1, 1, 1.25, 0.5, validation), null);
            file = tb.file();
        }

        Map<String, Object[]> byTag = new LinkedHashMap<>();
        for (Object[] stepAndValue : EventFiles.summaryValues(file)) {
            byTag.put((String) EventFiles.get((Message) stepAndValue[1], "tag"), stepAndValue);
        }

        assertEquals(List.of(TensorBoardWriter.SETTINGS_TAG, "train/loss", "train/lr", "train/momentum", "train/step_ms",
                "layers/fc1/grad_norm", "layers/fc1/update_norm", "epoch/train_loss", "epoch/train_accuracy", "val/loss",
                "val/accuracy", "val/macro_f1", "val/weighted_f1", "val/roc_auc", "val/pr_auc", "val/log_loss",
                "val/top_2_accuracy", "epoch/gap", "val/confusion_matrix"), List.copyOf(byTag.keySet()));
        assertEquals(0.75f, value(byTag.get("val/accuracy")));
        assertEquals(1.0f, value(byTag.get("val/top_2_accuracy")));
        assertEquals(0.01f, value(byTag.get("layers/fc1/update_norm")));
        assertEquals(1L, byTag.get("val/confusion_matrix")[0], "at the epoch's last step");
        Message image = (Message) EventFiles.get((Message) byTag.get("val/confusion_matrix")[1], "image");
        assertTrue(((ByteString) EventFiles.get(image, "encoded_image_string")).size() > 100);
    }

    private static float value(Object[] stepAndValue) {
        return (float) EventFiles.get((Message) stepAndValue[1], "simple_value");
    }
}
