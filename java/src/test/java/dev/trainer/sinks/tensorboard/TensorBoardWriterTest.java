package dev.trainer.sinks.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.events.ConfusionMatrix;
import dev.trainer.monitor.ConfusionHeatmap;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import org.tensorflow.util.Event;

/**
 * The event file checked the way TensorBoard reads it: TFRecord framing with masked CRC-32C
 * (recomputed here by a bitwise CRC independent of the JDK's), and every record parsed by
 * protobuf against TensorFlow's own {@code Event} schema (the descriptors of TensorFlow's
 * generated classes; their pre-2022 parsing code itself is refused by today's protobuf runtime).
 */
class TensorBoardWriterTest {

    @TempDir
    Path dir;

    @Test
    void crcIsCastagnoliMaskedAsTensorFlowDoes() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);

        assertEquals(0xE3069283, bitwiseCrc32c(check));  // the standard check value of CRC-32C
        assertEquals(mask(bitwiseCrc32c(check)), TfRecordWriter.maskedCrc32c(check));
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
        List<Message> events = records(Files.readAllBytes(file)).stream().map(TensorBoardWriterTest::parse).toList();
        assertEquals(4, events.size());
        assertEquals("brain.Event:2", get(events.get(0), "file_version"));
        assertTrue(Math.abs((double) get(events.get(0), "wall_time") - System.currentTimeMillis() / 1000.0) < 60);

        Message scalars = events.get(1);
        assertEquals(17L, get(scalars, "step"));
        List<Message> values = values(scalars);
        assertEquals(2, values.size(), "the NaN is left out");
        assertEquals("train/loss", get(values.get(0), "tag"));
        assertEquals(0.75f, get(values.get(0), "simple_value"));
        assertEquals(1e-3f, get(values.get(1), "simple_value"));

        assertEquals(32L, get(events.get(2), "step"));
        Message image = values(events.get(2)).getFirst();
        assertEquals("val/confusion_matrix", get(image, "tag"));
        Message encoded = (Message) get(image, "image");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(((ByteString) get(encoded, "encoded_image_string")).toByteArray()));
        assertEquals(get(encoded, "width"), png.getWidth());
        assertEquals(get(encoded, "height"), png.getHeight());
        assertEquals(3, get(encoded, "colorspace"));

        Message text = values(events.get(3)).getFirst();
        assertEquals(TensorBoardWriter.SETTINGS_TAG, get(text, "tag"));
        assertEquals("text", get((Message) get((Message) get(text, "metadata"), "plugin_data"), "plugin_name"));
        Message tensor = (Message) get(text, "tensor");
        assertEquals("DT_STRING", get(tensor, "dtype").toString());
        assertEquals(0, ((Message) get(tensor, "tensor_shape")).getAllFields().size(), "a scalar, shape []");
        String markdown = ((List<?>) get(tensor, "string_val")).stream().map(v -> ((ByteString) v).toStringUtf8())
                .findFirst().orElseThrow();
        assertTrue(markdown.contains("| lr | 0.001 |") && markdown.contains("| optimizer | adam \\| w |"), markdown);
    }

    private static Object get(Message message, String field) {
        var descriptor = message.getDescriptorForType().findFieldByName(field);
        assertTrue(descriptor != null, message.getDescriptorForType().getFullName() + " has no field " + field);
        return message.getField(descriptor);
    }

    private static List<Message> values(Message event) {
        return ((List<?>) get((Message) get(event, "summary"), "value")).stream().map(v -> (Message) v).toList();
    }

    /** Splits TFRecord framing, checking both masked CRCs of every record. */
    private static List<byte[]> records(byte[] file) {
        List<byte[]> records = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            byte[] lengthBytes = new byte[8];
            in.get(lengthBytes);
            assertEquals(mask(bitwiseCrc32c(lengthBytes)), in.getInt(), "length CRC of record " + records.size());
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] data = new byte[Math.toIntExact(length)];
            in.get(data);
            assertEquals(mask(bitwiseCrc32c(data)), in.getInt(), "data CRC of record " + records.size());
            records.add(data);
        }
        return records;
    }

    private static Message parse(byte[] data) {
        try {
            DynamicMessage event = DynamicMessage.parseFrom(Event.getDescriptor(), data);
            requireKnownFields(event);
            assertArrayEquals(data, event.toByteArray(), "the record is exactly the parsed Event");
            return event;
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not an Event: " + Arrays.toString(data), e);
        }
    }

    /** Fails on any field, at any depth, that TensorFlow's schema does not define. */
    private static void requireKnownFields(Message message) {
        assertTrue(message.getUnknownFields().asMap().isEmpty(),
                "fields unknown to " + message.getDescriptorForType().getFullName());
        message.getAllFields().values().forEach(value -> {
            if (value instanceof Message nested) {
                requireKnownFields(nested);
            } else if (value instanceof List<?> list) {
                list.stream().filter(Message.class::isInstance).forEach(v -> requireKnownFields((Message) v));
            }
        });
    }

    /** CRC-32C bit by bit (reflected polynomial 0x82F63B78), a reference apart from java.util.zip. */
    private static int bitwiseCrc32c(byte[] bytes) {
        int crc = 0xFFFFFFFF;
        for (byte b : bytes) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    /** TensorFlow's mask: ((crc >> 15) | (crc << 17)) + 0xa282ead8, in uint32 arithmetic. */
    private static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }
}
