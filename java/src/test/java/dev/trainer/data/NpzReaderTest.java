package dev.trainer.data;

import static dev.trainer.data.TestData.input;
import static dev.trainer.data.TestData.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads the fixtures that scripts/make_npz_fixture.py wrote with numpy. */
class NpzReaderTest {

    @TempDir
    Path dir;

    private static final Path TINY = resource("tiny.npz");
    private static final Path COMPRESSED = resource("tiny_compressed.npz");
    private static final Path FORMATS = resource("formats.npz");

    private static float[] quarters() {
        float[] values = new float[24];
        for (int i = 0; i < values.length; i++) {
            values[i] = i / 4f;
        }
        return values;
    }

    private static Dataset formats(String array, ElementType type) {
        return Datasets.read(FORMATS, List.of(input(array, type, -1, 2)), Task.CLASSIFICATION, "label");
    }

    private static String formatsError(String array, ElementType type) {
        return assertThrows(DataException.class, () -> formats(array, type)).getMessage();
    }

    @Test
    void storedArchiveFillsEveryInputAndIgnoresOtherArrays() {
        Dataset data = Datasets.read(TINY, List.of(input("x", ElementType.FLOAT, -1, 1, 2, 3),
                input("ids", ElementType.INT64, -1, 2)), Task.CLASSIFICATION, "label");

        assertEquals(List.of("x", "ids"), data.inputNames());
        assertEquals(4, data.size());
        assertArrayEquals(quarters(), data.feature("x").floats());
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, data.feature("ids").longs());
        assertArrayEquals(new int[] {0, 2, 1, 2}, data.labels().classes());
    }

    @Test
    void deflatedFloat64ArraysBecomeFloatFeaturesAndRegressionTargets() {
        Dataset data = Datasets.read(COMPRESSED, List.of(input("x", ElementType.FLOAT, -1, -1, 2, -1)),
                Task.REGRESSION, "label");

        assertArrayEquals(new long[] {1, 2, 3}, data.feature("x").sampleShape());
        assertArrayEquals(quarters(), data.feature("x").floats());
        assertArrayEquals(new long[] {2}, data.labels().sampleShape());
        assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4}, data.labels().targets());
    }

    @ParameterizedTest
    @ValueSource(strings = {"f4", "f8", "i8", "i4", "u1", "i1", "i2", "v2", "v3"})
    void everyDtypeAndVersionReadsAsFloats(String array) {
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, formats(array, ElementType.FLOAT).feature(array).floats());
    }

    @ParameterizedTest
    @ValueSource(strings = {"i8", "i4", "u1", "i1", "i2"})
    void integerDtypesReadAsLongs(String array) {
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, formats(array, ElementType.INT64).feature(array).longs());
    }

    @Test
    void booleansFillBoolInputs() {
        assertArrayEquals(new long[] {0, 1, 0, 1, 0, 1}, formats("b1", ElementType.BOOL).feature("b1").longs());
    }

    @Test
    void floatArraysDoNotFillIntegerInputs() {
        String message = formatsError("f4", ElementType.INT64);

        assertTrue(message.contains("array 'f4' holds <f4, but input 'f4' takes INT64"), message);
    }

    @Test
    void integersOutOfTheInputsRangeAreRejected() {
        String message = formatsError("i8", ElementType.BOOL);

        assertTrue(message.contains("value 2 of sample 2 does not fit input 'i8' of type BOOL"), message);
    }

    @Test
    void fortranOrderAndBigEndianAreRejected() {
        String fortran = formatsError("fortran", ElementType.FLOAT);
        String bigEndian = formatsError("bigendian", ElementType.FLOAT);

        assertTrue(fortran.contains("array 'fortran' is stored in Fortran order"), fortran);
        assertTrue(bigEndian.contains("is big-endian ('>f4')"), bigEndian);
    }

    @Test
    void nanValuesAreRejectedAtLoad() {
        String message = formatsError("nan", ElementType.FLOAT);

        assertTrue(message.contains("input 'nan' of sample 2 holds NaN"), message);
    }

    @Test
    void perSampleShapeMustMatchTheInput() {
        String wrongDim = assertThrows(DataException.class, () -> Datasets.read(FORMATS,
                List.of(input("f4", ElementType.FLOAT, -1, 3)), Task.CLASSIFICATION, "label")).getMessage();
        String wrongRank = assertThrows(DataException.class, () -> Datasets.read(FORMATS,
                List.of(input("f4", ElementType.FLOAT, -1, 2, 1)), Task.CLASSIFICATION, "label")).getMessage();

        assertTrue(wrongDim.contains("array 'f4' has shape [3, 2], but input 'f4' takes [?, 3]"), wrongDim);
        assertTrue(wrongRank.contains("takes [?, 2, 1]"), wrongRank);
    }

    @Test
    void arraysMustAgreeOnTheSampleCount() {
        String message = assertThrows(DataException.class, () -> Datasets.read(FORMATS,
                List.of(input("f4", ElementType.FLOAT, -1, 2), input("short", ElementType.FLOAT, -1, 2)),
                Task.CLASSIFICATION, "label")).getMessage();

        assertTrue(message.contains("array 'short' has 2 samples, but 'f4' has 3"), message);
    }

    @Test
    void missingInputArrayListsTheArraysThereAre() {
        String message = formatsError("pixels", ElementType.FLOAT);

        assertTrue(message.contains("has no array 'pixels' for input 'pixels'") && message.contains("f4, f8"),
                message);
    }

    @Test
    void labelsAreOptionalOnlyWhenSaidSo() throws IOException {
        Path file = dir.resolve("unlabelled.npz");
        List<InputSpec> inputs = List.of(input("x", ElementType.FLOAT, -1));
        try (NpzWriter writer = new NpzWriter(file)) {
            writer.writeFloats("x", new long[] {3}, new float[] {1, 2, 3});
        }

        Dataset data = Datasets.read(file, inputs, Task.REGRESSION, "label", false);
        String message = assertThrows(DataException.class,
                () -> Datasets.read(file, inputs, Task.REGRESSION, "label")).getMessage();

        assertFalse(data.hasLabels());
        assertArrayEquals(new long[0], data.feature("x").sampleShape());
        assertTrue(message.contains("has no array 'labels'"), message);
    }

    @Test
    void aFileThatIsNotAZipIsRejected() {
        Path file = TestData.write(dir, "fake.npz", "not a zip");

        String message = assertThrows(DataException.class, () -> Datasets.read(file,
                List.of(input("x", ElementType.FLOAT, -1)), Task.REGRESSION, "label")).getMessage();

        assertTrue(message.contains("is not an .npz file"), message);
    }

    /** numpy.savez stores arrays uncompressed: only the zip's CRC-32 can tell that a byte of one changed. */
    @Test
    void aStoredArrayWithAChangedByteIsRefusedByItsCrc() throws IOException {
        byte[] bytes = Files.readAllBytes(TINY);
        int x = indexOf(bytes, "x.npy".getBytes(StandardCharsets.US_ASCII));
        int data = indexOf(Arrays.copyOfRange(bytes, x, bytes.length), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})
                + x + 128;
        bytes[data + 5] ^= 0x01;
        Path corrupt = Files.write(dir.resolve("corrupt.npz"), bytes);

        String message = assertThrows(DataException.class, () -> Datasets.read(corrupt, List.of(input("x",
                ElementType.FLOAT, -1, 1, 2, 3)), Task.CLASSIFICATION, "label")).getMessage();

        assertEquals(corrupt + ": array 'x' is corrupt: its CRC-32 does not match the zip's record", message);
    }

    @Test
    void anArrayWhoseHeaderClaimsMoreThanTheEntryHoldsIsRefusedBeforeReading() throws IOException {
        byte[] bytes = Files.readAllBytes(TINY);
        int shape = indexOf(bytes, "(4, 1, 2, 3)".getBytes(StandardCharsets.US_ASCII));
        bytes[shape + 1] = '9';
        Path corrupt = Files.write(dir.resolve("claims.npz"), bytes);

        String message = assertThrows(DataException.class, () -> Datasets.read(corrupt, List.of(input("x",
                ElementType.FLOAT, -1, 1, 2, 3)), Task.CLASSIFICATION, "label")).getMessage();

        assertTrue(message.endsWith("array 'x' is corrupt: its header says shape [9, 1, 2, 3] of <f4 (216 bytes), but it"
                + " holds 96 bytes of data"), message);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
