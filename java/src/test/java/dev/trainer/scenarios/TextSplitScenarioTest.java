package dev.trainer.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.data.Datasets;
import dev.trainer.data.Labelling;
import dev.trainer.data.ElementType;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Split;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text data splits like tabular data: a stratified --val-split and cross-validation folds of a
 * JSONL file, on the tiny BERT fixture with a word-level tokenizer beside it.
 */
class TextSplitScenarioTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] WORDS = {{"sun", "rain", "wind"}, {"goal", "match", "team"}, {"bread", "salt", "soup"}};
    private static final String[] CLASSES = {"kitchen", "sport", "weather"};

    @TempDir
    static Path dir;
    static Path model;
    static Path texts;

    @BeforeAll
    static void writeModelTokenizerAndTexts() throws Exception {
        model = dir.resolve("model.onnx");
        Files.copy(Path.of("src/test/resources/fixtures/bert_tiny_torchscript/model.onnx"), model);
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0, \"[PAD]\": 1");
        int id = 10;
        for (String[] group : WORDS) {
            for (String w : group) {
                vocab.append(", \"").append(w).append("\": ").append(id++);
            }
        }
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "[UNK]"}}
                """.formatted(vocab));
        SplittableRandom random = new SplittableRandom(5);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int c = i % 3;
            String[] words = WORDS[c];
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < 6; k++) {
                text.append(k == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            lines.add(JSON.createObjectNode().put("text", text.toString()).put("label", CLASSES[c]).toString());
        }
        texts = Files.write(dir.resolve("texts.jsonl"), lines);
    }

    @Test
    void textSubsetsKeepTokensLabelsAndClassNames() throws Exception {
        List<InputSpec> inputs = List.of(new InputSpec("input_ids", ElementType.INT64, new long[] {-1, -1}),
                new InputSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}));
        try (TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"), 16)) {
            TextDataset all = (TextDataset) Datasets.read(texts, inputs, new Labelling(Task.CLASSIFICATION, "label", null, true),
                    Datasets.TextOptions.training(tokenizer));
            Split split = Split.holdout(all, 0.25, 3);
            TextDataset validation = split.validationSet(all);
            assertEquals(15, validation.size());
            assertEquals(all.classNames(), validation.classNames());
            for (int i = 0; i < validation.size(); i++) {
                int original = split.validation()[i];
                assertEquals(List.of(box(all.ids(original))), List.of(box(validation.ids(i))));
                assertEquals(all.labels().classes()[original], validation.labels().classes()[i]);
            }
        }
    }

    @Test
    void fineTuneHoldsOutAStratifiedShareOfText() throws Exception {
        Path out = dir.resolve("split");
        Scenario.cli("fine-tune", "--model", model.toString(), "--train", texts.toString(), "--val-split", "0.25",
                "--out", out.toString(), "--epochs", "3", "--lr", "3e-3", "--batch-size", "8", "--max-length", "16").ok();
        JsonNode data = JSON.readTree(out.resolve("run.json").toFile()).path("data");
        assertEquals(45, data.path("train").path("samples").asInt());
        assertEquals(15, data.path("validation").path("samples").asInt());
        assertEquals(List.of(15, 15, 15), List.of(data.path("train_class_counts").get(0).asInt(),
                data.path("train_class_counts").get(1).asInt(), data.path("train_class_counts").get(2).asInt()));

        // predictions name their class, with the tokenizer the run put beside its model
        Path predictions = dir.resolve("predictions.csv");
        Scenario.cli("predict", "--model", out.resolve("model.onnx").toString(), "--data", texts.toString(),
                "--out", predictions.toString(), "--max-length", "16").ok();
        List<String> rows = Files.readAllLines(predictions);
        assertEquals("prediction,class,logits_0,logits_1,logits_2", rows.getFirst());
        assertEquals(61, rows.size());
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            assertEquals(CLASSES[Integer.parseInt(cells[0])], cells[1], row);
        }
    }

    @Test
    void crossValidationFoldsText() throws Exception {
        Path out = dir.resolve("cv");
        Scenario.cli("cv", "--folds", "3", "--model", model.toString(), "--train", texts.toString(), "--out", out.toString(),
                "--epochs", "2", "--lr", "3e-3", "--batch-size", "8", "--max-length", "16").ok();
        JsonNode cv = JSON.readTree(out.resolve("cv.json").toFile());
        assertEquals(3, cv.path("accuracies").size());
        for (int k = 1; k <= 3; k++) {
            JsonNode fold = JSON.readTree(out.resolve("fold-" + k).resolve("run.json").toFile()).path("data");
            assertEquals(40, fold.path("train").path("samples").asInt());
            assertEquals(20, fold.path("validation").path("samples").asInt());
            assertTrue(fold.path("train").path("fold_of_file").asBoolean());
        }
    }

    private static Long[] box(long[] values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }
}
