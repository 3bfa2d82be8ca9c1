package dev.trainer.data;

import static dev.trainer.data.TestData.input;
import static dev.trainer.data.TestData.miniLmTokenizer;
import static dev.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.DataException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextReaderTest {

    private static final List<InputSpec> BERT = List.of(
            input("input_ids", ElementType.INT64, -1, -1),
            input("attention_mask", ElementType.INT64, -1, -1),
            input("token_type_ids", ElementType.INT64, -1, -1));
    private static final Path SHIPPED = Path.of("../models/text");

    private static TextTokenizer tokenizer;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = TextTokenizer.load(miniLmTokenizer(), 32);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private TextDataset read(String name, String jsonl, Task task, List<String> knownClasses, boolean labelsRequired) {
        return (TextDataset) Datasets.read(write(dir, name, jsonl), BERT, new Labelling(task, "label", null, labelsRequired),
                new Datasets.TextOptions(tokenizer, knownClasses));
    }

    private TextDataset train(String jsonl) {
        return read("train.jsonl", jsonl, Task.CLASSIFICATION, null, true);
    }

    private String error(String jsonl) {
        return assertThrows(DataException.class, () -> train(jsonl)).getMessage();
    }

    @Test
    void classNamesGetIdsInSortedOrderWhateverTheLineOrder() {
        String lines = """
                {"text": "one", "label": "weather"}
                {"text": "two", "label": "cooking"}

                {"text": "three", "label": "sports"}
                {"text": "four", "label": "cooking"}
                """;
        String reversed = String.join("\n", lines.strip().lines().toList().reversed());

        TextDataset data = train(lines);
        TextDataset other = read("reversed.jsonl", reversed, Task.CLASSIFICATION, null, true);

        assertEquals(List.of("cooking", "sports", "weather"), data.classNames());
        assertEquals(data.classNames(), other.classNames());
        assertArrayEquals(new int[] {2, 0, 1, 0}, data.labels().classes());
        assertEquals(4, data.size());
    }

    @Test
    void integerLabelsAreClassIdsWithoutNames() {
        TextDataset data = train("{\"text\": \"a\", \"label\": 3}\n{\"text\": \"b\", \"label\": 0}\n");

        assertArrayEquals(new int[] {3, 0}, data.labels().classes());
        assertEquals(List.of(), data.classNames());
    }

    @Test
    void validationDataUsesTheTrainingClassNames() {
        TextDataset training = train("{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": \"z\"}\n");
        TextDataset validation = read("val.jsonl", "{\"text\": \"c\", \"label\": \"z\"}\n", Task.CLASSIFICATION,
                training.classNames(), true);

        String unknown = assertThrows(DataException.class, () -> read("val.jsonl",
                "{\"text\": \"c\", \"label\": \"z\"}\n{\"text\": \"d\", \"label\": \"y\"}\n", Task.CLASSIFICATION,
                training.classNames(), true)).getMessage();

        assertArrayEquals(new int[] {1}, validation.labels().classes());
        assertEquals(List.of("x", "z"), validation.classNames());
        assertTrue(unknown.endsWith("val.jsonl line 2: unknown class \"y\"; the training data's classes are x, z"), unknown);
        assertFalse(unknown.contains("\n"));
    }

    @Test
    void badLinesNameTheirLineNumber() {
        String invalid = error("{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 0\n");
        String noText = error("{\"text\": \"a\", \"label\": 0}\n\n{\"label\": 0}\n");
        String noLabel = error("{\"text\": \"a\"}\n");
        String notObject = error("[1, 2]\n");
        String textNotString = error("{\"text\": 7, \"label\": 0}\n");
        String mixed = error("{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": \"sports\"}\n");
        String negative = error("{\"text\": \"a\", \"label\": -1}\n");
        String empty = error("\n\n");

        assertTrue(invalid.contains("train.jsonl line 2: invalid JSON"), invalid);
        assertTrue(noText.contains("train.jsonl line 3: no \"text\""), noText);
        assertTrue(noLabel.contains("train.jsonl line 1: no \"label\""), noLabel);
        assertTrue(notObject.contains("line 1: expected a JSON object, found array"), notObject);
        assertTrue(textNotString.contains("line 1: \"text\" must be a string, not 7"), textNotString);
        assertTrue(mixed.contains("line 2: the label \"sports\" is a class name, but the lines before it give class ids"), mixed);
        assertTrue(negative.contains("line 1: the label must be a class id (an integer >= 0)"), negative);
        assertTrue(empty.endsWith("train.jsonl holds no samples"), empty);
    }

    @Test
    void labelsAreOptionalForPredictionButAllOrNothing() {
        TextDataset unlabelled = read("p.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\"}\n", Task.CLASSIFICATION, null, false);
        String halfway = assertThrows(DataException.class, () -> read("p.jsonl",
                "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\"}\n", Task.CLASSIFICATION, null, false)).getMessage();
        String late = assertThrows(DataException.class, () -> read("p.jsonl",
                "{\"text\": \"a\"}\n{\"text\": \"b\", \"label\": 1}\n", Task.CLASSIFICATION, null, false)).getMessage();

        assertFalse(unlabelled.hasLabels());
        assertEquals(2, unlabelled.size());
        assertTrue(halfway.contains("line 2: no \"label\""), halfway);
        assertTrue(late.contains("line 2: a \"label\", but the samples before it have none"), late);
    }

    @Test
    void regressionLabelsAreFloatTargets() {
        TextDataset data = read("r.jsonl", "{\"text\": \"a\", \"label\": 0.25}\n{\"text\": \"b\", \"label\": -3}\n",
                Task.REGRESSION, null, true);
        String notNumber = assertThrows(DataException.class, () -> read("r.jsonl",
                "{\"text\": \"a\", \"label\": \"high\"}\n", Task.REGRESSION, null, true)).getMessage();

        assertArrayEquals(new float[] {0.25f, -3f}, data.labels().targets());
        assertArrayEquals(new long[] {1}, data.labels().sampleShape());
        assertTrue(notNumber.contains("line 1: the label must be a finite number for regression"), notNumber);
    }

    @Test
    void textPairsAreTokenizedAsTwoSegments() {
        TextDataset data = train("{\"text\": \"is it raining\", \"text_pair\": \"no it is sunny\", \"label\": 0}\n"
                + "{\"text\": \"is it raining\", \"label\": 0}\n");

        assertArrayEquals(tokenizer.encode("is it raining", "no it is sunny").ids(), data.ids(0));
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, data.typeIds(0));
        assertArrayEquals(new long[5], data.typeIds(1));
    }

    @Test
    void onlyTextInputsCanBeFilled() {
        Path file = write(dir, "t.jsonl", "{\"text\": \"a\", \"label\": 0}\n");
        Datasets.TextOptions options = Datasets.TextOptions.training(tokenizer);

        String image = assertThrows(DataException.class, () -> Datasets.read(file,
                List.of(input("input_ids", ElementType.INT64, -1, -1), input("pixel_values", ElementType.FLOAT, -1, 3)), new Labelling(Task.CLASSIFICATION, "label", null, true), options)).getMessage();
        String floats = assertThrows(DataException.class, () -> Datasets.read(file,
                List.of(input("input_ids", ElementType.FLOAT, -1, -1)), new Labelling(Task.CLASSIFICATION, "label", null, true), options))
                .getMessage();
        String shortFixed = assertThrows(DataException.class, () -> Datasets.read(file,
                List.of(input("input_ids", ElementType.INT64, -1, 16)), new Labelling(Task.CLASSIFICATION, "label", null, true), options))
                .getMessage();
        String noTokenizer = assertThrows(DataException.class,
                () -> Datasets.read(file, BERT, Task.CLASSIFICATION, "label")).getMessage();

        assertTrue(image.contains("the model's input 'pixel_values' cannot be filled from text; text fills input_ids,"
                + " attention_mask, token_type_ids"), image);
        assertTrue(floats.contains("'input_ids' is FLOAT, but token inputs are INT64 or INT32"), floats);
        assertTrue(shortFixed.contains("'input_ids' takes 16 tokens, fewer than the max length 32"), shortFixed);
        assertTrue(noTokenizer.contains("a .jsonl file holds text, which needs the model's tokenizer"), noTokenizer);
    }

    @Test
    void theShippedDataSetReadsWithFiveBalancedClasses() {
        Samples train = Datasets.read(SHIPPED.resolve("train.jsonl"), BERT, new Labelling(Task.CLASSIFICATION, "label", null, true),
                Datasets.TextOptions.training(tokenizer));
        TextDataset training = (TextDataset) train;
        TextDataset validation = (TextDataset) Datasets.read(SHIPPED.resolve("val.jsonl"), BERT, new Labelling(Task.CLASSIFICATION, "label", null, true), Datasets.TextOptions.following(tokenizer, training));

        assertEquals(List.of("computing", "cooking", "finance", "sports", "weather"), training.classNames());
        assertEquals(265, training.size());
        assertEquals(85, validation.size());
        for (TextDataset data : List.of(training, validation)) {
            int[] counts = new int[5];
            for (int c : data.labels().classes()) {
                counts[c]++;
            }
            assertArrayEquals(new int[] {data.size() / 5, data.size() / 5, data.size() / 5, data.size() / 5,
                    data.size() / 5}, counts);
            assertTrue(data.longest() <= 32);
        }
    }

    @Test
    void aByteOrderMarkIsAcceptedAsInCsv() {
        TextDataset data = train("\uFEFF{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n");

        assertArrayEquals(new int[] {1, 0}, data.labels().classes());
    }

    @Test
    void anythingAfterALinesObjectIsRefusedWithItsLine() {
        String second = error("{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0} {\"text\": \"c\"}\n");
        String garbage = error("{\"text\": \"a\", \"label\": 1} trailing\n");

        assertTrue(second.endsWith("train.jsonl line 2: more after the JSON object; put one object on a line"), second);
        assertTrue(garbage.contains("train.jsonl line 1: invalid JSON"), garbage);
    }

    @Test
    void samplesAreNamedByTheirLineAfterBlankLinesAndSplits() {
        TextDataset data = train("\n{\"text\": \"a\", \"label\": 1}\n\n{\"text\": \"b\", \"label\": 0}\n");

        assertEquals("line 2", data.sampleName(0));
        assertEquals("line 4", data.sampleName(1));
        assertEquals("line 4", data.subset(new int[] {1}).sampleName(0));
    }

    @Test
    void aHugeLabelIsQuotedShort() {
        String message = error("{\"text\": \"a\", \"label\": [" + "1,".repeat(10_000) + "1]}\n");

        assertTrue(message.length() < 300, message);
        assertTrue(message.contains("… ("), message);
    }

    @Test
    void csvAndTsvTextColumnsReadLikeJsonLines() {
        TextDataset jsonl = train("""
                {"text": "Rain, then sun.", "text_pair": "He said \\"no\\".", "label": "weather"}
                {"text": "Stir the soup", "label": "cooking"}
                """);
        TextDataset csv = read("train.csv", """
                id,text,text_pair,label
                1,"Rain, then sun.","He said ""no"".",weather

                2,Stir the soup,,cooking
                """, Task.CLASSIFICATION, null, true);
        TextDataset tsv = read("train.tsv", "text\ttopic\nStir the soup\tcooking\n", Task.CLASSIFICATION, null, false);

        assertEquals(jsonl.classNames(), csv.classNames());
        assertArrayEquals(jsonl.labels().classes(), csv.labels().classes());
        assertArrayEquals(jsonl.ids(0), csv.ids(0), "the quoted comma and doubled quotes stay inside the text");
        assertArrayEquals(jsonl.typeIds(0), csv.typeIds(0));
        assertArrayEquals(jsonl.ids(1), csv.ids(1));
        assertFalse(tsv.hasLabels(), "the label column is 'label', which this file lacks");
        assertArrayEquals(jsonl.ids(1), tsv.ids(0));
    }

    @Test
    void csvTextLabelsAreIdsNamesOrTargetsAndRowsMustBeWhole() {
        TextDataset ids = read("ids.csv", "text,label\na,3\nb,0\n", Task.CLASSIFICATION, null, true);
        TextDataset targets = read("targets.csv", "text,label\na,2.5\nb,-1\n", Task.REGRESSION, null, true);
        String shortRow = assertThrows(DataException.class,
                () -> read("short.csv", "text,label\na,1\nb\n", Task.CLASSIFICATION, null, true)).getMessage();
        String notText = assertThrows(DataException.class,
                () -> read("nolabel.csv", "text\na\n", Task.CLASSIFICATION, null, true)).getMessage();

        assertArrayEquals(new int[] {3, 0}, ids.labels().classes());
        assertArrayEquals(new float[] {2.5f, -1f}, targets.labels().targets());
        assertTrue(shortRow.contains("short.csv line 3 has 1 cells, but the header has 2 columns"), shortRow);
        assertTrue(notText.contains("no label column 'label'"), notText);
    }
}
