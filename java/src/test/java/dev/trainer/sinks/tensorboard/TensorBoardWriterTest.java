package dev.trainer.sinks.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trainer.events.ConfusionMatrix;
import dev.trainer.monitor.ConfusionHeatmap;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event file checked the way TensorBoard reads it ({@link EventFiles}): TFRecord framing with
 * masked CRC-32C, and every record parsed by protobuf against TensorFlow's own {@code Event}
 * schema (the descriptors of TensorFlow's generated classes; their pre-2022 parsing code itself
 * is refused by today's protobuf runtime).
 */
class TensorBoardWriterTest {

    @TempDir
    Path dir;

    @Test
    void crcIsCastagnoliMaskedAsTensorFlowDoes() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);

        assertEquals(0xE3069283, EventFiles.bitwiseCrc32c(check));  // the standard check value of CRC-32C
        assertEquals(EventFiles.mask(EventFiles.bitwiseCrc32c(check)), TfRecordWriter.maskedCrc32c(check));
    }

    @Test
    void eventsAreFramedRecordsThatTensorFlowParses() throws IOException {
        long[][] counts = {{5, 1}, {2, 7}};
        Path file;
        try (TensorBoardWriter tb = TensorBoardWriter.create(dir)) {
            Map<String, Double> scalars = new LinkedHashMap<>();
            scalars.put("train/loss", 0.75);
            scalars.put("train/lr", 1e-3);
            scalars.put("val/loss", Double.NaN);
            tb.scalars(17, scalars);
            tb.image("val/confusion_matrix", 32, ConfusionHeatmap.of(new ConfusionMatrix(counts, List.of("cat", "dog")), "epoch 2").render());
            tb.settings(Map.of("lr", 0.001, "optimizer", "adam | w"));
            file = tb.file();
        }

        assertEquals(dir.resolve("tb"), file.getParent());
        assertTrue(file.getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\..+"), file.toString());
        List<Message> events = EventFiles.events(file);
        assertEquals(4, events.size());
        assertEquals("brain.Event:2", EventFiles.get(events.get(0), "file_version"));
        assertTrue(Math.abs((double) EventFiles.get(events.get(0), "wall_time") - System.currentTimeMillis() / 1000.0) < 60);

        Message scalars = events.get(1);
        assertEquals(17L, EventFiles.get(scalars, "step"));
        List<Message> values = EventFiles.values(scalars);
        assertEquals(2, values.size(), "the NaN is left out");
        assertEquals("train/loss", EventFiles.get(values.get(0), "tag"));
        assertEquals(0.75f, EventFiles.get(values.get(0), "simple_value"));
        assertEquals(1e-3f, EventFiles.get(values.get(1), "simple_value"));

        assertEquals(32L, EventFiles.get(events.get(2), "step"));
        Message image = EventFiles.values(events.get(2)).getFirst();
        assertEquals("val/confusion_matrix", EventFiles.get(image, "tag"));
        Message encoded = (Message) EventFiles.get(image, "image");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(((ByteString) EventFiles.get(encoded, "encoded_image_string")).toByteArray()));
        assertEquals(EventFiles.get(encoded, "width"), png.getWidth());
        assertEquals(EventFiles.get(encoded, "height"), png.getHeight());
        assertEquals(3, EventFiles.get(encoded, "colorspace"));

        Message text = EventFiles.values(events.get(3)).getFirst();
        assertEquals(TensorBoardWriter.SETTINGS_TAG, EventFiles.get(text, "tag"));
        assertEquals("text", EventFiles.get((Message) EventFiles.get((Message) EventFiles.get(text, "metadata"), "plugin_data"), "plugin_name"));
        Message tensor = (Message) EventFiles.get(text, "tensor");
        assertEquals("DT_STRING", EventFiles.get(tensor, "dtype").toString());
        assertEquals(0, ((Message) EventFiles.get(tensor, "tensor_shape")).getAllFields().size(), "a scalar, shape []");
        String markdown = ((List<?>) EventFiles.get(tensor, "string_val")).stream().map(v -> ((ByteString) v).toStringUtf8())
                .findFirst().orElseThrow();
        assertTrue(markdown.contains("| lr | 0.001 |") && markdown.contains("| optimizer | adam \\| w |"), markdown);
    }

    @Test
    void aRestartIsTheSessionLogStartThatTensorBoardPurgesLaterStepsBy() throws IOException {
        Path file;
        try (TensorBoardWriter tb = TensorBoardWriter.create(dir)) {
            tb.restart(65);
            file = tb.file();
        }

        Message restart = EventFiles.events(file).get(1);
        assertEquals(65L, EventFiles.get(restart, "step"));
        assertEquals("START", EventFiles.get((Message) EventFiles.get(restart, "session_log"), "status").toString());
    }

    @Test
    void aSecondFileOfTheSameSecondIsNewAndSortsAfterTheFirst() throws IOException {
        Path first;
        Path second;
        try (TensorBoardWriter a = TensorBoardWriter.create(dir)) {
            a.scalars(1, Map.of("train/loss", 1.0));
            first = a.file();
        }
        try (TensorBoardWriter b = TensorBoardWriter.create(dir)) {
            second = b.file();
        }

        assertTrue(!first.equals(second) && first.toString().compareTo(second.toString()) < 0, first + " " + second);
        assertEquals(2, EventFiles.events(first).size(), "the first file is whole");
    }
}

