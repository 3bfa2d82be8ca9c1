package dev.trainer.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * Writes arrays in numpy's .npy format, version 1.0, as {@code numpy.save} does: the header is
 * padded so that the data starts on a 64-byte boundary.
 */
public final class NpyWriter {

    private static final int ALIGNMENT = 64;
    private static final int CHUNK_BYTES = 1 << 16;

    private NpyWriter() {
    }

    /**
     * Writes a float32 array of {@code shape} to {@code out}, which stays open.
     *
     * @throws IllegalArgumentException when {@code shape} does not hold {@code values.length} elements
     */
    public static void writeFloats(OutputStream out, long[] shape, float[] values) throws IOException {
        writeHeader(out, NpyDtype.FLOAT32, shape, values.length);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += CHUNK_BYTES / Float.BYTES) {
            int count = Math.min(CHUNK_BYTES / Float.BYTES, values.length - start);
            chunk.clear();
            chunk.asFloatBuffer().put(values, start, count);
            out.write(chunk.array(), 0, count * Float.BYTES);
        }
    }

    /**
     * Writes an int64 array of {@code shape} to {@code out}, which stays open.
     *
     * @throws IllegalArgumentException when {@code shape} does not hold {@code values.length} elements
     */
    public static void writeLongs(OutputStream out, long[] shape, long[] values) throws IOException {
        writeHeader(out, NpyDtype.INT64, shape, values.length);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += CHUNK_BYTES / Long.BYTES) {
            int count = Math.min(CHUNK_BYTES / Long.BYTES, values.length - start);
            chunk.clear();
            chunk.asLongBuffer().put(values, start, count);
            out.write(chunk.array(), 0, count * Long.BYTES);
        }
    }

    private static void writeHeader(OutputStream out, NpyDtype dtype, long[] shape, int length) throws IOException {
        if (Shapes.elementCount(shape) != length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " does not hold " + length
                    + " elements");
        }
        StringJoiner dims = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
        for (long dim : shape) {
            dims.add(Long.toString(dim));
        }
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int prefixBytes = NpyReader.MAGIC.length + 2 + 2;
        int padded = (prefixBytes + dict.length() + 1 + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        String header = dict + " ".repeat(padded - prefixBytes - dict.length() - 1) + "\n";
        if (header.length() > 0xffff) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " makes too long an .npy header");
        }
        out.write(NpyReader.MAGIC);
        out.write(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >>> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    }
}
