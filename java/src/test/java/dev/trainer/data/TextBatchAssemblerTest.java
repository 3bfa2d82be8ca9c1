package dev.trainer.data;

import static dev.trainer.data.TestData.input;
import static dev.trainer.data.TestData.miniLmTokenizer;
import static dev.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextBatchAssemblerTest {

    /** Token counts with MiniLM's [CLS] and [SEP]s: 3, 7, 6. */
    private static final String JSONL = """
            {"text": "sunny", "label": "weather"}
            {"text": "the oven is hot today", "label": "cooking"}
            {"text": "stocks fell", "text_pair": "no", "label": "finance"}
            """;

    private static TextTokenizer tokenizer;

    @TempDir
    static Path dir;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = TextTokenizer.load(miniLmTokenizer(), 32);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static TextDataset read(List<InputSpec> inputs) {
        return (TextDataset) Datasets.read(write(dir, "data.jsonl", JSONL), inputs, new Labelling(Task.CLASSIFICATION, "label", null, true), Datasets.TextOptions.training(tokenizer));
    }

    private static TextDataset bert(ElementType type, long sequence) {
        return read(List.of(input("input_ids", type, -1, sequence), input("attention_mask", type, -1, sequence),
                input("token_type_ids", type, -1, sequence)));
    }

    private static long[] longs(HostTensor tensor) {
        long[] values = new long[tensor.data().remaining() / Long.BYTES];
        tensor.data().asLongBuffer().get(values);
        return values;
    }

    private static long[] row(long[] values, int row, int length) {
        return Arrays.copyOfRange(values, row * length, (row + 1) * length);
    }

    @Test
    void aBatchIsAsLongAsItsLongestSampleAndPaddingIsMasked() {
        TextDataset data = bert(ElementType.INT64, -1);
        try (Arena arena = Arena.ofConfined()) {
            Batch batch = data.batches(3, arena).assemble(new int[] {0, 2});

            HostTensor ids = batch.input("input_ids");
            HostTensor mask = batch.input("attention_mask");
            HostTensor types = batch.input("token_type_ids");
            assertEquals(3, data.ids(0).length);
            assertEquals(6, data.ids(2).length);
            assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), batch.inputNames());
            assertArrayEquals(new long[] {2, 6}, ids.shape());
            assertEquals(ElementType.INT64, ids.type());
            long[] first = data.ids(0);
            assertArrayEquals(new long[] {first[0], first[1], first[2], 0, 0, 0}, row(longs(ids), 0, 6));
            assertArrayEquals(data.ids(2), row(longs(ids), 1, 6));
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1}, longs(mask));
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, longs(types));
            HostTensor labels = batch.labels();
            assertEquals(ElementType.INT32, labels.type());
            assertArrayEquals(new long[] {2}, labels.shape());
            assertEquals(2, labels.data().asIntBuffer().get(0)); // weather
            assertEquals(1, labels.data().asIntBuffer().get(1)); // finance
        }
    }

    @Test
    void buffersAreReusedAndEachBatchHasItsOwnLength() {
        TextDataset data = bert(ElementType.INT64, -1);
        try (Arena arena = Arena.ofConfined()) {
            BatchSource batches = data.batches(2, arena);

            Batch wide = batches.assemble(new int[] {1, 0});
            long wideAddress = MemorySegment.ofBuffer(wide.input("input_ids").data()).address();
            Batch narrow = batches.assemble(new int[] {0});

            assertInstanceOf(TextBatchAssembler.class, batches);
            assertArrayEquals(new long[] {2, 7}, wide.input("input_ids").shape());
            assertArrayEquals(new long[] {1, 3}, narrow.input("input_ids").shape());
            assertEquals(wideAddress, MemorySegment.ofBuffer(narrow.input("input_ids").data()).address());
            assertArrayEquals(data.ids(0), longs(narrow.input("input_ids")));
            assertThrows(IllegalArgumentException.class, () -> batches.assemble(new int[] {0, 1, 2}));
        }
    }

    @Test
    void aFixedSequenceLengthIsPaddedToAndInt32InputsAreFilled() {
        TextDataset data = bert(ElementType.INT32, 40);
        try (Arena arena = Arena.ofConfined()) {
            HostTensor ids = data.batches(1, arena).assemble(new int[] {0}).input("input_ids");

            int[] values = new int[40];
            ids.data().asIntBuffer().get(values);
            assertEquals(ElementType.INT32, ids.type());
            assertArrayEquals(new long[] {1, 40}, ids.shape());
            assertEquals(data.ids(0)[2], values[2]);
            assertEquals(0, values[39]);
        }
    }

    @Test
    void onlyTheModelsInputsAreFilledWithTheTokenizersPadId() {
        Path wordLevel = write(dir, "tokenizer.json", """
                {"version": "1.0", "truncation": null, "padding": {"strategy": "BatchLongest",
                 "direction": "Right", "pad_to_multiple_of": null, "pad_id": 7, "pad_type_id": 0, "pad_token": "[PAD]"},
                 "added_tokens": [], "normalizer": null, "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "a": 1, "b": 2, "[PAD]": 7}, "unk_token": "<unk>"}}
                """);
        try (TextTokenizer words = TextTokenizer.load(wordLevel, 8); Arena arena = Arena.ofConfined()) {
            TextDataset data = (TextDataset) Datasets.read(write(dir, "ab.jsonl", "{\"text\": \"a b a\"}\n{\"text\": \"b\"}\n"),
                    List.of(input("attention_mask", ElementType.INT64, -1, -1), input("input_ids", ElementType.INT64, -1, -1)), new Labelling(Task.CLASSIFICATION, "label", null, false), Datasets.TextOptions.training(words));

            Batch batch = data.batches(2, arena).assemble(new int[] {0, 1});

            assertEquals(List.of("attention_mask", "input_ids"), batch.inputNames());
            assertArrayEquals(new long[] {1, 2, 1, 2, 7, 7}, longs(batch.input("input_ids")));
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0}, longs(batch.input("attention_mask")));
            assertThrows(IllegalArgumentException.class, () -> batch.input("token_type_ids"));
            assertThrows(IllegalStateException.class, batch::labels);
        }
    }
}
