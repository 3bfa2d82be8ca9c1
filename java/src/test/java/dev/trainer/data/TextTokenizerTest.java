package dev.trainer.data;

import static dev.trainer.data.TestData.miniLmTokenizer;
import static dev.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.DataException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MiniLM tokenizer through DJL, checked against facts read from its tokenizer.json (there is
 * no Python tokenizer here to compare with): [CLS] = 101 first, [SEP] = 102 last, lowercasing,
 * whole-word vocabulary ids, truncation and pair segments.
 */
class TextTokenizerTest {

    private static final long CLS = 101;
    private static final long SEP = 102;

    private static JsonNode vocab;

    @TempDir
    Path dir;

    @BeforeAll
    static void readVocabulary() throws IOException {
        vocab = new ObjectMapper().readTree(miniLmTokenizer().toFile()).path("model").path("vocab");
    }

    private static long id(String word) {
        assertTrue(vocab.has(word), word + " is not a whole vocabulary entry");
        return vocab.get(word).asLong();
    }

    @Test
    void wordsMapToTheirVocabularyIdsLowercasedBetweenClsAndSep() {
        try (TextTokenizer tokenizer = TextTokenizer.load(miniLmTokenizer(), 128)) {
            TextTokenizer.Tokens tokens = tokenizer.encode("The WEATHER is Sunny", null);

            assertArrayEquals(new long[] {CLS, id("the"), id("weather"), id("is"), id("sunny"), SEP}, tokens.ids());
            assertArrayEquals(new long[6], tokens.typeIds());
        }
    }

    @Test
    void truncationKeepsTheFinalSep() {
        try (TextTokenizer tokenizer = TextTokenizer.load(miniLmTokenizer(), 6)) {
            long[] ids = tokenizer.encode("one two three four five six seven eight nine ten", null).ids();

            assertArrayEquals(new long[] {CLS, id("one"), id("two"), id("three"), id("four"), SEP}, ids);
            assertEquals(6, tokenizer.maxLength());
        }
    }

    @Test
    void pairsGetTypeIdOneOnTheSecondSegmentAndTruncateTheLongerFirst() {
        try (TextTokenizer tokenizer = TextTokenizer.load(miniLmTokenizer(), 9)) {
            TextTokenizer.Tokens tokens = tokenizer.encode("one two three four five six seven", "good morning");

            // Longest-first: 9 tokens leave 6 for the segments, and only the long first one is cut.
            assertArrayEquals(new long[] {CLS, id("one"), id("two"), id("three"), id("four"), SEP,
                    id("good"), id("morning"), SEP}, tokens.ids());
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 1, 1, 1}, tokens.typeIds());
        }
    }

    @Test
    void padIdComesFromThePaddingSectionOrAPadToken() {
        Path wordLevel = write(dir, "tokenizer.json", """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 5, "content": "<pad>", "single_word": false, "lstrip": false,
                                   "rstrip": false, "normalized": false, "special": true}],
                 "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
                 "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "red": 1, "green": 2, "<pad>": 5},
                           "unk_token": "<unk>"}}
                """);
        try (TextTokenizer miniLm = TextTokenizer.load(miniLmTokenizer(), 16);
             TextTokenizer handWritten = TextTokenizer.load(wordLevel, 16)) {
            assertEquals(0, miniLm.padId());
            assertEquals(5, handWritten.padId());
            // No post-processor: no special tokens are added.
            assertArrayEquals(new long[] {2, 0, 1}, handWritten.encode("green blue red", null).ids());
        }
    }

    @Test
    void aMissingOrBrokenTokenizerIsADataException() {
        Path broken = write(dir, "broken.json", "{\"model\": 3");

        String missing = assertThrows(DataException.class,
                () -> TextTokenizer.load(dir.resolve("absent.json"), 16)).getMessage();
        String invalid = assertThrows(DataException.class, () -> TextTokenizer.load(broken, 16)).getMessage();

        assertTrue(missing.contains("absent.json does not exist"), missing);
        assertTrue(invalid.contains("broken.json is not a tokenizer.json"), invalid);
    }
}
