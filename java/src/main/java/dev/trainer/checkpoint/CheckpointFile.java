package dev.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.CheckpointException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The checkpoint container: a fixed sequence of named sections, each with its own CRC-32C, so
 * that a truncated or corrupted file is detected and named rather than loaded. Little-endian
 * throughout:
 *
 * <pre>
 *   magic     8 bytes   89 54 52 43 4B 0D 0A 1A   ("\x89TRCK\r\n\x1a", PNG's trick: a text-mode copy breaks it)
 *   version   u32       {@link #FORMAT_VERSION}
 *   count     u32       sections that follow
 *   section   tag       4 ASCII bytes
 *             length    u64
 *             payload   length bytes: UTF-8 JSON, or float32 values
 *             crc       u32, CRC-32C of tag, length and payload
 *   end       8 bytes   "TRCK-END"
 * </pre>
 *
 * {@link Checkpoint} says what the sections hold; {@code docs/checkpoints.md} documents both.
 */
public final class CheckpointFile {

    /** The format this trainer writes and reads. A change to the sections or their meaning raises it. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {(byte) 0x89, 'T', 'R', 'C', 'K', '\r', '\n', 0x1A};
    private static final byte[] END = "TRCK-END".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 16;

    private CheckpointFile() {
    }

    /** Writes the sections of one checkpoint, in order, to a stream. */
    public static final class Writer {

        private final OutputStream out;
        private final int count;
        private int written;

        /** Writes the header for {@code count} sections. */
        public Writer(OutputStream out, int count) throws IOException {
            this.out = out;
            this.count = count;
            out.write(MAGIC);
            out.write(le(ByteBuffer.allocate(8)).putInt(FORMAT_VERSION).putInt(count).array());
        }

        public void json(String tag, JsonNode tree) throws IOException {
            byte[] payload = JSON.writeValueAsBytes(tree);
            CRC32C crc = start(tag, payload.length);
            crc.update(payload);
            out.write(payload);
            end(crc);
        }

        /** A section of float32 values read straight from native memory, {@code count} of them. */
        public void floats(String tag, MemorySegment values, long count) throws IOException {
            CRC32C crc = start(tag, count * Float.BYTES);
            byte[] chunk = new byte[CHUNK];
            MemorySegment buffer = MemorySegment.ofArray(chunk);
            for (long done = 0; done < count; ) {
                int n = (int) Math.min(CHUNK / Float.BYTES, count - done);
                MemorySegment.copy(values, ValueLayout.JAVA_FLOAT, done * Float.BYTES, buffer,
                        ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, n);
                crc.update(chunk, 0, n * Float.BYTES);
                out.write(chunk, 0, n * Float.BYTES);
                done += n;
            }
            end(crc);
        }

        /** A section of float32 values: the arrays one after another. */
        public void floats(String tag, List<float[]> arrays) throws IOException {
            long count = arrays.stream().mapToLong(a -> a.length).sum();
            CRC32C crc = start(tag, count * Float.BYTES);
            for (float[] values : arrays) {
                ByteBuffer bytes = le(ByteBuffer.allocate(values.length * Float.BYTES));
                bytes.asFloatBuffer().put(values);
                crc.update(bytes.array());
                out.write(bytes.array());
            }
            end(crc);
        }

        /** Writes the end marker. */
        public void finish() throws IOException {
            if (written != count) {
                throw new IllegalStateException(written + " sections written, " + count + " announced");
            }
            out.write(END);
        }

        private CRC32C start(String tag, long length) throws IOException {
            byte[] head = le(ByteBuffer.allocate(12)).put(tag(tag)).putLong(length).array();
            CRC32C crc = new CRC32C();
            crc.update(head);
            out.write(head);
            return crc;
        }

        private void end(CRC32C crc) throws IOException {
            out.write(le(ByteBuffer.allocate(4)).putInt((int) crc.getValue()).array());
            written++;
        }
    }

    /** Reads a checkpoint's sections in order, checking each, so that nothing wrong goes unnoticed. */
    public static final class Reader implements AutoCloseable {

        private final Path file;
        private final DataInputStream in;
        private final int count;
        private int read;
        /** The checksum of the section being read. */
        private CRC32C crc;

        /**
         * Opens the file and reads its header.
         *
         * @throws CheckpointException when it is missing, not a checkpoint, or of another format version
         */
        public Reader(Path file) {
            this.file = file;
            try {
                InputStream raw = Files.newInputStream(file);
                this.in = new DataInputStream(new BufferedInputStream(raw, CHUNK));
                byte[] magic = new byte[MAGIC.length];
                in.readFully(magic);
                if (!Arrays.equals(magic, MAGIC)) {
                    in.close();
                    throw new CheckpointException(file + " is not a trainer checkpoint");
                }
                int version = Integer.reverseBytes(in.readInt());
                if (version != FORMAT_VERSION) {
                    in.close();
                    throw new CheckpointException(file + " is a checkpoint of format version " + version
                            + "; this trainer reads version " + FORMAT_VERSION + " (resume it with the trainer that wrote it)");
                }
                this.count = Integer.reverseBytes(in.readInt());
            } catch (NoSuchFileException e) {
                throw new CheckpointException(file + ": no such checkpoint");
            } catch (EOFException e) {
                throw truncated();
            } catch (IOException e) {
                throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        /** The next section, which must be {@code tag}, as JSON. */
        public JsonNode json(String tag) {
            byte[] payload = bytes(tag, Integer.MAX_VALUE);
            try {
                return JSON.readTree(payload);
            } catch (IOException e) {
                throw new CheckpointException(file + ": section " + tag + " is not JSON", e);
            }
        }

        /** The next section, which must be {@code tag}, as float32 values. */
        public float[] floats(String tag) {
            long length = open(tag);
            if (length % Float.BYTES != 0 || length / Float.BYTES > Integer.MAX_VALUE - 8) {
                throw corrupt(tag);
            }
            float[] values = new float[(int) (length / Float.BYTES)];
            byte[] chunk = new byte[CHUNK];
            MemorySegment target = MemorySegment.ofArray(values);
            try {
                for (long done = 0; done < length; ) {
                    int n = (int) Math.min(CHUNK, length - done);
                    in.readFully(chunk, 0, n);
                    crc.update(chunk, 0, n);
                    MemorySegment.copy(MemorySegment.ofArray(chunk), ValueLayout.JAVA_FLOAT_UNALIGNED
                            .withOrder(ByteOrder.LITTLE_ENDIAN), 0, target, ValueLayout.JAVA_FLOAT, done, n / Float.BYTES);
                    done += n;
                }
            } catch (IOException e) {
                throw failure(e);
            }
            check(tag);
            return values;
        }

        /** Checks that every announced section was read and the end marker follows. */
        public void finish() {
            if (read != count) {
                throw corrupt("count");
            }
            try {
                byte[] end = new byte[END.length];
                in.readFully(end);
                if (!Arrays.equals(end, END)) {
                    throw corrupt("end");
                }
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private byte[] bytes(String tag, int limit) {
            long length = open(tag);
            if (length > limit) {
                throw corrupt(tag);
            }
            byte[] payload = new byte[(int) length];
            try {
                in.readFully(payload);
            } catch (IOException e) {
                throw failure(e);
            }
            crc.update(payload);
            check(tag);
            return payload;
        }

        /** Reads a section's head, which must name {@code tag}; returns its length. */
        private long open(String tag) {
            if (read >= count) {
                throw corrupt(tag);
            }
            try {
                byte[] head = new byte[12];
                in.readFully(head);
                ByteBuffer b = le(ByteBuffer.wrap(head));
                byte[] name = new byte[4];
                b.get(name);
                if (!Arrays.equals(name, tag(tag))) {
                    throw corrupt(tag);
                }
                long length = b.getLong();
                if (length < 0) {
                    throw corrupt(tag);
                }
                crc = new CRC32C();
                crc.update(head);
                return length;
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private void check(String tag) {
            try {
                int stored = Integer.reverseBytes(in.readInt());
                if (stored != (int) crc.getValue()) {
                    throw new CheckpointException(file + " is corrupt: section " + tag + " fails its CRC-32C check");
                }
                read++;
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private CheckpointException failure(IOException e) {
            return e instanceof EOFException ? truncated()
                    : new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }

        private CheckpointException truncated() {
            return new CheckpointException(file + " is truncated: it ends before its last section");
        }

        private CheckpointException corrupt(String where) {
            return new CheckpointException(file + " is corrupt: its sections do not follow the format (at " + where + ")");
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only: nothing was left half-done
            }
        }
    }

    private static byte[] tag(String tag) {
        byte[] bytes = tag.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != 4) {
            throw new IllegalArgumentException("section tags are 4 ASCII characters: " + tag);
        }
        return bytes;
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
