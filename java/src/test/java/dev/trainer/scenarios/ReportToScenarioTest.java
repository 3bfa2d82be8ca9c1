package dev.trainer.scenarios;

import static dev.trainer.scenarios.Scenario.events;
import static dev.trainer.scenarios.Scenario.fineTuneDigits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trainer.monitor.RunPlot;
import dev.trainer.sinks.tensorboard.EventFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --report-to tensorboard,csv}: the run folder gains a TensorBoard event file and a tidy
 * CSV holding the numbers metrics.jsonl holds, and the plot gains the best epoch's confusion matrix.
 */
class ReportToScenarioTest {

    @TempDir
    Path tmp;

    @Test
    void tensorBoardAndTheCsvHoldTheRunsNumbers() throws IOException {
        Path run = tmp.resolve("run");

        fineTuneDigits(run, "--epochs", "2", "--lr", "0.003", "--report-to", "tensorboard,csv");

        List<Path> eventFiles;
        try (Stream<Path> files = Files.list(run.resolve("tb"))) {
            eventFiles = files.toList();
        }
        assertEquals(1, eventFiles.size(), eventFiles.toString());
        List<String> tags = new ArrayList<>();
        double lastValAccuracy = Double.NaN;
        String settings = null;
        for (Object[] stepAndValue : EventFiles.summaryValues(eventFiles.getFirst())) {
            Message value = (Message) stepAndValue[1];
            String tag = (String) EventFiles.get(value, "tag");
            tags.add(tag);
            if (tag.equals("val/accuracy")) {
                lastValAccuracy = (float) EventFiles.get(value, "simple_value");
            }
            if (tag.equals("run/settings")) {
                settings = ((List<?>) EventFiles.get((Message) EventFiles.get(value, "tensor"), "string_val")).stream()
                        .map(v -> ((ByteString) v).toStringUtf8()).findFirst().orElseThrow();
            }
        }
        long steps = events(run, "step").size();
        assertEquals(steps, tags.stream().filter("train/loss"::equals).count(), "a loss per step");
        assertEquals(3, tags.stream().filter("val/confusion_matrix"::equals).count(), "before training and per epoch");
        assertTrue(tags.contains("val/top_5_accuracy") && tags.contains("val/roc_auc") && tags.contains("epoch/gap"), tags.toString());
        assertTrue(tags.stream().anyMatch(t -> t.matches("layers/.+/grad_norm")), tags.toString());
        double recorded = events(run, "epoch").getLast().path("val_accuracy").asDouble();
        assertEquals(recorded, lastValAccuracy, 1e-6, "TensorBoard's scalar is metrics.jsonl's");
        assertTrue(settings.contains("| optimizer.learning_rate | 0.003 |"), settings);

        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals("event,epoch,step,metric,value", csv.getFirst());
        assertEquals(steps, csv.stream().filter(l -> l.startsWith("step,") && l.contains(",loss,")).count());
        assertTrue(csv.stream().anyMatch(l -> l.matches("epoch,2,\\d+,val_accuracy,.+")), String.join("\n", csv));

        int width = ImageIO.read(run.resolve("training.png").toFile()).getWidth();
        assertTrue(width > RunPlot.WIDTH, "the plot shows the best epoch's confusion matrix beside the curves: " + width);
    }
}
