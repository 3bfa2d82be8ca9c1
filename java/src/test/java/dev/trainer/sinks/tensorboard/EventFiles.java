package dev.trainer.sinks.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.util.Event;

/**
 * Reads a TensorBoard event file the way TensorBoard does, asserting as it goes: TFRecord framing
 * with masked CRC-32C (recomputed by a bitwise CRC independent of the JDK's), and every record
 * parsed by protobuf against TensorFlow's own {@code Event} schema, with no unknown field.
 */
public final class EventFiles {

    private EventFiles() {
    }

    /** Every event of the file, checked. */
    public static List<Message> events(Path file) {
        try {
            return records(Files.readAllBytes(file)).stream().map(EventFiles::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every summary value of the file's events: {@code [step, value message]} pairs. */
    public static List<Object[]> summaryValues(Path file) {
        List<Object[]> all = new ArrayList<>();
        for (Message event : events(file)) {
            if (event.getDescriptorForType().findFieldByName("summary") != null
                    && event.hasField(event.getDescriptorForType().findFieldByName("summary"))) {
                long step = (long) get(event, "step");
                values(event).forEach(v -> all.add(new Object[] {step, v}));
            }
        }
        return all;
    }

    public static Object get(Message message, String field) {
        var descriptor = message.getDescriptorForType().findFieldByName(field);
        assertTrue(descriptor != null, message.getDescriptorForType().getFullName() + " has no field " + field);
        return message.getField(descriptor);
    }

    public static List<Message> values(Message event) {
        return ((List<?>) get((Message) get(event, "summary"), "value")).stream().map(v -> (Message) v).toList();
    }

    /** Splits TFRecord framing, checking both masked CRCs of every record. */
    static List<byte[]> records(byte[] file) {
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

    static Message parse(byte[] data) {
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
    static void requireKnownFields(Message message) {
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
    static int bitwiseCrc32c(byte[] bytes) {
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
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }
}
