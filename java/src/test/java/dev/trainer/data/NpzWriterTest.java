package dev.trainer.data;

import static dev.trainer.data.TestData.input;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzWriterTest {

    @TempDir
    Path dir;

    @Test
    void writtenArraysReadBackAsADataset() throws IOException {
        Path file = dir.resolve("predictions.npz");
        float[] x = new float[3 * 2 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.5f - 3;
        }
        try (NpzWriter writer = new NpzWriter(file)) {
            writer.writeFloats("x", new long[] {3, 2, 5}, x);
            writer.writeLongs("ids", new long[] {3}, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE});
            writer.writeLongs("labels", new long[] {3}, new long[] {4, 0, 9});
        }

        Dataset data = Datasets.read(file, List.of(input("x", ElementType.FLOAT, -1, 2, 5),
                input("ids", ElementType.INT64, -1)), Task.CLASSIFICATION, "label");

        assertArrayEquals(x, data.feature("x").floats());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, data.feature("ids").longs());
        assertArrayEquals(new int[] {4, 0, 9}, data.labels().classes());
    }

    @Test
    void headerIsNumpysVersionOneAlignedTo64Bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyWriter.writeFloats(out, new long[] {2}, new float[] {1, 2});
        byte[] bytes = out.toByteArray();
        String header = new String(bytes, 10, bytes.length - 10 - 8, StandardCharsets.ISO_8859_1);

        assertEquals(128, bytes.length - 8);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"), header);
        assertTrue(header.endsWith("\n"));
        NpyArray back = NpyReader.read(new ByteArrayInputStream(bytes), "test", bytes.length);
        assertArrayEquals(new float[] {1, 2}, back.toFloats());
    }

    @Test
    void largeArraysCrossTheWritersChunks() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] values = new long[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) i * i;
        }

        NpyWriter.writeLongs(out, new long[] {250, 200}, values);
        NpyArray back = NpyReader.read(new ByteArrayInputStream(out.toByteArray()), "test", -1);

        assertArrayEquals(new long[] {250, 200}, back.shape());
        assertArrayEquals(values, back.toLongs());
    }

    @Test
    void shapeMustHoldTheValuesAndNamesMustBeUnique() throws IOException {
        try (NpzWriter writer = new NpzWriter(dir.resolve("bad.npz"))) {
            assertThrows(IllegalArgumentException.class,
                    () -> writer.writeFloats("a", new long[] {2, 2}, new float[3]));
            writer.writeFloats("b", new long[] {1}, new float[1]);
            assertThrows(IllegalArgumentException.class, () -> writer.writeLongs("b", new long[] {1}, new long[1]));
        }
    }
}
