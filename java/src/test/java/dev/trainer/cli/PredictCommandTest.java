package dev.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trainer predict}: the model's outputs as CSV or NPZ, equal to a plain ONNX Runtime run. */
class PredictCommandTest {

    private static float[][] expected;

    @TempDir
    Path tmp;

    @BeforeAll
    static void runOnnxRuntime() throws Exception {
        expected = DigitsDemo.valLogits();
        assertEquals(DigitsDemo.VAL_ROWS, expected.length);
    }

    @Test
    void csvHasTheArgmaxAndEveryLogit() throws Exception {
        Path out = tmp.resolve("P.csv");
        Cli.Outcome o = Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals("", o.err());
        assertTrue(o.out().contains("wrote 397 predictions"), o.out());

        List<String> lines = Files.readAllLines(out);
        assertEquals("prediction," + IntStream.range(0, 10).mapToObj(c -> "logits_" + c).collect(Collectors.joining(",")),
                lines.getFirst());
        assertEquals(DigitsDemo.VAL_ROWS + 1, lines.size());
        int[] histogram = new int[DigitsDemo.CLASSES];
        for (int r = 0; r < DigitsDemo.VAL_ROWS; r++) {
            String[] cells = lines.get(r + 1).split(",");
            assertEquals(1 + DigitsDemo.CLASSES, cells.length, "row " + r);
            float[] logits = new float[DigitsDemo.CLASSES];
            for (int c = 0; c < logits.length; c++) {
                logits[c] = Float.parseFloat(cells[c + 1]);
            }
            assertArrayEquals(expected[r], logits, "row " + r);
            int prediction = Integer.parseInt(cells[0]);
            assertEquals(argmax(expected[r]), prediction, "row " + r);
            histogram[prediction]++;
        }
        assertTrue(IntStream.of(histogram).filter(n -> n > 0).count() >= 5, "predictions span the classes");
        assertEquals(List.of("P.csv"), listing());
    }

    @Test
    void npzHoldsTheLogitsArray() throws Exception {
        Path out = tmp.resolve("P.npz");
        Cli.Outcome o = Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--out", out.toString(), "--batch-size", "100");
        assertEquals(0, o.code(), o.err());

        byte[] npy = null;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(out))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                assertEquals("logits.npy", e.getName(), "one array per model output");
                npy = zip.readAllBytes();
            }
        }
        assertTrue(npy != null);
        ByteBuffer b = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("\u0093NUMPY", new String(npy, 0, 6, StandardCharsets.ISO_8859_1));
        int headerLength = npy[6] == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
        int dataStart = (npy[6] == 1 ? 10 : 12) + headerLength;
        String header = new String(npy, dataStart - headerLength, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.contains("'descr': '<f4'"), header);
        assertTrue(header.contains("'fortran_order': False"), header);
        assertTrue(header.replace(" ", "").contains("'shape':(397,10)"), header);
        assertEquals(0, dataStart % 16, "npy data is 16-byte aligned");
        assertEquals(dataStart + 397 * 10 * 4, npy.length);
        for (int r = 0; r < DigitsDemo.VAL_ROWS; r++) {
            float[] row = new float[DigitsDemo.CLASSES];
            for (int c = 0; c < row.length; c++) {
                row[c] = b.getFloat(dataStart + 4 * (r * DigitsDemo.CLASSES + c));
            }
            assertArrayEquals(expected[r], row, "row " + r);
        }
        assertEquals(List.of("P.npz"), listing());
    }

    @Test
    void predictingOverAnExistingFileReplacesIt() throws Exception {
        Path out = Files.writeString(tmp.resolve("P.csv"), "old\n");
        assertEquals(0, Cli.run("predict", "--model", DigitsDemo.MODEL.toString(), "--data", DigitsDemo.VAL.toString(),
                "--out", out.toString()).code());
        assertEquals(DigitsDemo.VAL_ROWS + 1, Files.readAllLines(out).size());
        assertEquals(List.of("P.csv"), listing());
    }

    private List<String> listing() throws Exception {
        try (var files = Files.list(tmp)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
