package dev.trainer.sinks.tensorboard;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord framing, the container of TensorBoard's event files: each record is its
 * length (uint64, little-endian), the masked CRC-32C of those 8 bytes (uint32), the data, and
 * the masked CRC-32C of the data. Records are flushed as written so that TensorBoard, which
 * tails the file, sees each one whole.
 */
final class TfRecordWriter implements AutoCloseable {

    /** Added after rotating the checksum, TensorFlow's mask for CRCs stored beside the data they cover. */
    private static final int MASK_DELTA = 0xa282ead8;

    private final OutputStream out;

    /**
     * Creates {@code file}, which must not exist.
     *
     * @throws java.nio.file.FileAlreadyExistsException when it does
     */
    TfRecordWriter(Path file) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
    }

    /** Appends one record and flushes it. */
    void write(byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(littleEndian(maskedCrc32c(length)));
        out.write(data);
        out.write(littleEndian(maskedCrc32c(data)));
        out.flush();
    }

    /**
     * The CRC-32C (Castagnoli) of {@code bytes}, rotated right by 15 bits plus a constant, as
     * TFRecord stores it: a CRC of data that itself holds CRCs is then not degenerate.
     */
    static int maskedCrc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int value = (int) crc.getValue();
        return Integer.rotateRight(value, 15) + MASK_DELTA;
    }

    private static byte[] littleEndian(int value) {
        return ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
