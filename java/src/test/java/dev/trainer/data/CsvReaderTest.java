package dev.trainer.data;

import static dev.trainer.data.TestData.input;
import static dev.trainer.data.TestData.resource;
import static dev.trainer.data.TestData.write;
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

class CsvReaderTest {

    @TempDir
    Path dir;

    private static final Path DIGITS = resource("digits_head.csv");

    /** Second row of digits_head.csv, the first sample. */
    private static final float[] FIRST_DIGIT = {0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0,
        11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0,
        0, 0, 6, 13, 10, 0, 0, 0};

    private static Dataset read(Path file, InputSpec input) {
        return Datasets.read(file, List.of(input), Task.CLASSIFICATION, "label");
    }

    private static String messageOf(Path file, InputSpec input) {
        return assertThrows(DataException.class, () -> read(file, input)).getMessage();
    }

    @Test
    void digitsFillAnImageInput() {
        Dataset digits = read(DIGITS, input("x", ElementType.FLOAT, -1, 1, 8, 8));

        assertEquals(20, digits.size());
        Feature x = digits.feature("x");
        assertArrayEquals(new long[] {1, 8, 8}, x.sampleShape());
        float[] first = Arrays.copyOfRange(x.floats(), 0, 64);
        assertArrayEquals(FIRST_DIGIT, first);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Arrays.copyOf(digits.labels().classes(), 5));
        assertEquals(10, digits.numClassesSeen());
    }

    @Test
    void digitsFillAFlatInputAndSolveOneSymbolicDimension() {
        Dataset flat = read(DIGITS, input("x", ElementType.FLOAT, -1, 64));
        Dataset solved = read(DIGITS, input("x", ElementType.FLOAT, -1, -1));
        Dataset rows = read(DIGITS, input("x", ElementType.FLOAT, -1, 8, -1));

        assertArrayEquals(new long[] {64}, flat.feature("x").sampleShape());
        assertArrayEquals(new long[] {64}, solved.feature("x").sampleShape());
        assertArrayEquals(new long[] {8, 8}, rows.feature("x").sampleShape());
        assertArrayEquals(flat.feature("x").floats(), solved.feature("x").floats());
    }

    @Test
    void labelColumnMayBeAnywhereAndNamedByTheUser() {
        Path file = write(dir, "wine.csv", "a,kind,b\n1.5,2,-3e-1\n\"4\",0.0, 5 \n");

        Dataset data = Datasets.read(file, List.of(input("in", ElementType.FLOAT, -1, 2)), Task.CLASSIFICATION,
                "kind");

        assertArrayEquals(new float[] {1.5f, -0.3f, 4, 5}, data.feature("in").floats());
        assertArrayEquals(new int[] {2, 0}, data.labels().classes());
    }

    @Test
    void regressionTargetsAreFloatsShapedOnePerSample() {
        Path file = write(dir, "diabetes.csv", "age,target\n59,151.5\n48,75\n");

        Dataset data = Datasets.read(file, List.of(input("x", ElementType.FLOAT, -1, 1)), Task.REGRESSION,
                "target");

        assertArrayEquals(new float[] {151.5f, 75}, data.labels().targets());
        assertArrayEquals(new long[] {1}, data.labels().sampleShape());
    }

    @Test
    void integerInputsHoldLongs() {
        Path file = write(dir, "ids.csv", "a,b,label\n3,4.0,1\n-5,6,0\n");

        Dataset data = read(file, input("ids", ElementType.INT64, -1, 2));

        assertArrayEquals(new long[] {3, 4, -5, 6}, data.feature("ids").longs());
        assertEquals("INT64", data.feature("ids").type().name());
    }

    @Test
    void labelsAreOptionalOnlyWhenSaidSo() {
        Path file = write(dir, "unlabelled.csv", "a,b\n1,2\n3,4\n");
        InputSpec x = input("x", ElementType.FLOAT, -1, 2);

        Dataset data = Datasets.read(file, List.of(x), Task.CLASSIFICATION, "label", false);
        String message = messageOf(file, x);

        assertFalse(data.hasLabels());
        assertArrayEquals(new float[] {1, 2, 3, 4}, data.feature("x").floats());
        assertTrue(message.contains("no label column 'label'") && message.contains("a, b"), message);
    }

    @Test
    void presentLabelsAreReadEvenWhenOptional() {
        Dataset data = Datasets.read(DIGITS, List.of(input("x", ElementType.FLOAT, -1, 64)), Task.CLASSIFICATION,
                "label", false);

        assertTrue(data.hasLabels());
        assertEquals(64, data.feature("x").sampleSize());
    }

    @Test
    void wrongColumnCountNamesBothNumbers() {
        String message = messageOf(DIGITS, input("x", ElementType.FLOAT, -1, 1, 7, 7));

        assertTrue(message.contains("64 feature columns") && message.contains("takes 49"), message);
        assertTrue(message.startsWith(DIGITS.toString()), message);
    }

    @Test
    void twoSymbolicDimensionsCannotBeFilledFromARow() {
        String message = messageOf(DIGITS, input("x", ElementType.FLOAT, -1, -1, -1));

        assertTrue(message.contains("more than one unknown dimension"), message);
    }

    @Test
    void badCellsNameLineAndColumn() {
        InputSpec x = input("x", ElementType.FLOAT, -1, 2);

        String nan = messageOf(write(dir, "nan.csv", "a,b,label\n1,2,0\n3,NaN,1\n"), x);
        String text = messageOf(write(dir, "text.csv", "a,b,label\n1,2,0\n\n3,4,1\nfive,4,1\n"), x);
        String empty = messageOf(write(dir, "empty.csv", "a,b,label\n1,,0\n"), x);
        String infinite = messageOf(write(dir, "inf.csv", "a,b,label\n1,1e999,0\n"), x);

        assertTrue(nan.contains("line 3, column 2 ('b'): \"NaN\": is not a finite number"), nan);
        assertTrue(text.contains("line 5, column 1 ('a'): \"five\""), text);
        assertTrue(empty.contains("line 2, column 2 ('b'): empty cell"), empty);
        assertTrue(infinite.contains("\"1e999\""), infinite);
    }

    @Test
    void rowsWithTheWrongNumberOfCellsAreRejected() {
        InputSpec x = input("x", ElementType.FLOAT, -1, 2);

        String shortRow = messageOf(write(dir, "short.csv", "a,b,label\n1,2,0\n1,2\n"), x);
        String longRow = messageOf(write(dir, "long.csv", "a,b,label\n1,2,0,9\n"), x);

        assertTrue(shortRow.contains("line 3 has 2 cells, but the header has 3 columns"), shortRow);
        assertTrue(longRow.contains("line 2 has 4 cells"), longRow);
    }

    @Test
    void classLabelsMustBeNonNegativeIntegers() {
        InputSpec x = input("x", ElementType.FLOAT, -1, 1);

        String negative = messageOf(write(dir, "negative.csv", "a,label\n1,0\n2,-1\n"), x);
        String fraction = messageOf(write(dir, "fraction.csv", "a,label\n1,0.5\n"), x);

        assertTrue(negative.contains("line 3, column 2 ('label'): \"-1\": class label must be an integer >= 0"),
                negative);
        assertTrue(fraction.contains("\"0.5\""), fraction);
    }

    @Test
    void integerInputsRejectFractionsAndOutOfRangeValues() {
        String fraction = messageOf(write(dir, "f.csv", "a,label\n1.5,0\n"), input("x", ElementType.INT64, -1, 1));
        String bool = messageOf(write(dir, "b.csv", "a,label\n2,0\n"), input("x", ElementType.BOOL, -1, 1));

        assertTrue(fraction.contains("does not fit input 'x' of type INT64"), fraction);
        assertTrue(bool.contains("does not fit input 'x' of type BOOL"), bool);
    }

    @Test
    void emptyAndHeaderOnlyFilesAreRejected() {
        InputSpec x = input("x", ElementType.FLOAT, -1, 1);

        String empty = messageOf(write(dir, "empty.csv", ""), x);
        String headerOnly = messageOf(write(dir, "header.csv", "a,label\n"), x);

        assertTrue(empty.contains("is empty"), empty);
        assertTrue(headerOnly.contains("no rows"), headerOnly);
    }

    @Test
    void csvCannotFillSeveralInputs() {
        List<InputSpec> two = List.of(input("a", ElementType.FLOAT, -1, 32), input("b", ElementType.FLOAT, -1, 32));

        DataException error = assertThrows(DataException.class,
                () -> Datasets.read(DIGITS, two, Task.CLASSIFICATION, "label"));

        assertTrue(error.getMessage().contains("has 2 (a, b); use an NPZ file"), error.getMessage());
    }

    @Test
    void unknownExtensionAndMissingFileAreRejected() {
        Path parquet = write(dir, "data.parquet", "a,label\n1,0\n");
        InputSpec x = input("x", ElementType.FLOAT, -1, 1);

        String unknown = messageOf(parquet, x);
        String missing = messageOf(dir.resolve("absent.csv"), x);

        assertTrue(unknown.contains("unknown data format; use a .csv, .npz or .jsonl file"), unknown);
        assertTrue(missing.contains("does not exist"), missing);
    }

    @Test
    void hundredThousandRowsParseQuickly() {
        StringBuilder text = new StringBuilder("a,b,c,d,label\n");
        for (int i = 0; i < 100_000; i++) {
            text.append(i).append(",0.25,").append(-i).append(",1e-3,").append(i % 7).append('\n');
        }
        Path file = write(dir, "big.csv", text.toString());

        long start = System.nanoTime();
        Dataset data = read(file, input("x", ElementType.FLOAT, -1, 4));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(100_000, data.size());
        assertEquals(-99_999f, data.feature("x").floats()[4 * 99_999 + 2]);
        assertTrue(millis < 5_000, "took " + millis + " ms");
    }

    @Test
    void samplesAreNamedByTheirLineCountingTheHeaderAndBlankLines() {
        Path file = write(dir, "lines.csv", "a,label\n1,0\n\n2,1\n");
        Dataset data = Datasets.read(file, List.of(input("x", ElementType.FLOAT, -1, 1)), Task.CLASSIFICATION, "label");

        assertEquals("line 2", data.sampleName(0));
        assertEquals("line 4", data.sampleName(1));
        assertEquals("line 4", data.subset(new int[] {1}).sampleName(0));
    }

    @Test
    void aFileThatIsNotUtf8NamesTheLineAndByte() throws IOException {
        byte[] prefix = ("a,label\n" + "1,0\n".repeat(30_000)).getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(prefix, prefix.length + 4);
        bytes[prefix.length] = (byte) 0xff;
        bytes[prefix.length + 1] = ',';
        bytes[prefix.length + 2] = '0';
        bytes[prefix.length + 3] = '\n';
        Path file = Files.write(dir.resolve("latin.csv"), bytes);

        String message = assertThrows(DataException.class, () -> Datasets.read(file,
                List.of(input("x", ElementType.FLOAT, -1, 1)), Task.CLASSIFICATION, "label")).getMessage();

        assertEquals(file + " line 30002 (byte " + prefix.length + ") is not UTF-8: byte 0xff; save the file as UTF-8",
                message);
    }

    @Test
    void aHugeCellIsQuotedShort() {
        Path file = write(dir, "huge.csv", "a,label\n" + "x".repeat(50_000) + ",0\n");

        String message = assertThrows(DataException.class, () -> Datasets.read(file,
                List.of(input("x", ElementType.FLOAT, -1, 1)), Task.CLASSIFICATION, "label")).getMessage();

        assertTrue(message.endsWith("line 2, column 1 ('a'): \"" + "x".repeat(60) + "… (50000 characters)\": is not a"
                + " finite number"), message);
    }

    @Test
    void quotedCellsMayHoldTheSeparatorAndTsvIsTabSeparated() {
        Path csv = write(dir, "quoted.csv", "\"width, cm\",\"height\"\"\",label\n\"1.5\", 2 ,1\n");
        Path tsv = write(dir, "tabs.tsv", "width, cm\theight\tlabel\n1.5\t2\t1\n");
        InputSpec x = input("x", ElementType.FLOAT, -1, 2);

        Dataset fromCsv = read(csv, x);
        Dataset fromTsv = read(tsv, x);
        String error = messageOf(write(dir, "bad.csv", "\"width, cm\",label\n\"1,5\",0\n"), input("x", ElementType.FLOAT, -1, 1));

        assertArrayEquals(new float[] {1.5f, 2}, fromCsv.feature("x").floats());
        assertArrayEquals(new float[] {1.5f, 2}, fromTsv.feature("x").floats());
        assertTrue(error.contains("line 2, column 1 ('width, cm'): \"1,5\": is not a finite number"), error);
    }

    @Test
    void aQuotedLineBreakKeepsLineNumbersTrue() {
        Path file = write(dir, "multiline.csv", "a,\"b\nsecond line\",label\n1,2,0\n3,x,1\n");

        String message = messageOf(file, input("x", ElementType.FLOAT, -1, 2));

        assertTrue(message.contains("line 4, column 2 ('b\\u000asecond line'): \"x\""), message);
    }

    @Test
    void anUnclosedQuoteIsAnErrorNamingTheFile() {
        String message = messageOf(write(dir, "open.csv", "a,label\n\"1,0\n"), input("x", ElementType.FLOAT, -1, 1));

        assertTrue(message.startsWith(dir.resolve("open.csv").toString()), message);
    }
}
