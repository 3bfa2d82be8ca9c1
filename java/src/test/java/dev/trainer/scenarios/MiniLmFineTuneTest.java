package dev.trainer.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.cli.TrainerCommand;
import dev.trainer.data.Batch;
import dev.trainer.data.Datasets;
import dev.trainer.data.Labelling;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.onnx.ModelMetadata;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.InferenceSession;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real all-MiniLM-L6-v2 (from the test-scoped langchain4j jar) fine-tuned end to end through
 * the command line on {@code models/text-negation}, where the label is a review's polarity
 * after negation ("was not reliable" is negative, "was far from dirty" positive) and every
 * (thing, quality) pair appears both affirmed and negated with opposite labels.
 *
 * <p>The claim: training the whole encoder beats training only a linear head on its frozen
 * mean-pooled embeddings, by a clear margin in accuracy and in loss. Frozen sentence embeddings
 * are close to a sum of their words' meanings, in which "polarity XOR negation" is nearly not
 * linearly separable; the fine-tuned encoder learns to compose them. Each run gets a learning
 * rate suited to it (the head alone 1e-2 for 20 epochs, which is cheap; the whole model 5e-5 for
 * 4), measured on seeds 1, 2, 3: head alone 70.8 %, 76.0 %, 75.0 % (val loss 0.64, 0.63, 0.63); at
 * 3e-3 for 10 epochs 66.7 % on each; whole model 93.8 %, 100 %, 95.8 % (val loss 0.15, 0.004,
 * 0.17). Runs seed 1; about 2 minutes on 2 busy cores (models/text-negation/README.md). The
 * runs here give the whole model 1e-4, its best on seed 1 (2e-5, 5e-5, 1e-4: 91.7 %, 93.8 %, 100 %).
 *
 * <p>LoRA of rank 8 at its own best rate (5e-4, 1e-3, 2e-3: 90.6 %, 97.9 %, 100 % on seed 1, 4
 * epochs; {@code scripts/compare_minilm_lora.py}) comes within 2 points of the whole model,
 * training 1.45 % of the parameters.
 *
 * <p>Then the exported model: plain ONNX Runtime runs it on the validation texts and its
 * predictions score what the fine-tune reported; its metadata carries the class names.
 * {@code trainer evaluate}, finding the tokenizer the run copied beside the model, agrees.
 */
@Tag("slow")
class MiniLmFineTuneTest {

    static final Path DATA = Path.of("../models/text-negation");
    static final ObjectMapper JSON = new ObjectMapper();
    /** The learning rates at which each way of training did best on seed 1 (see above). */
    static final String FULL_LR = "1e-4";
    static final String LORA_LR = "2e-3";

    @TempDir
    static Path dir;
    static Path model;
    private static JsonNode full;

    @BeforeAll
    static void extractModel() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("minilm"));
        model = folder.resolve("all-minilm-l6-v2.onnx");
        copyResource("all-minilm-l6-v2.onnx", model);
        copyResource("all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = MiniLmFineTuneTest.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath: the langchain4j"
                        + " all-minilm-l6-v2 jar is a test dependency of the java module");
            }
            Files.copy(in, to);
        }
    }

    private static JsonNode fineTune(String name, String... extra) throws IOException {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("fine-tune", "--model", model.toString(), "--head", "classify:2",
                "--train", DATA.resolve("train.jsonl").toString(), "--val", DATA.resolve("val.jsonl").toString(),
                "--out", out.toString(), "--batch-size", "16", "--max-length", "48", "--optimizer", "adamw",
                "--seed", "1"));
        args.addAll(List.of(extra));
        assertEquals(0, TrainerCommand.execute(args.toArray(String[]::new)), name + " failed");
        return JSON.readTree(out.resolve("run.json").toFile()).path("result");
    }

    /** The whole model at its best learning rate, run once for the tests that compare with it. */
    private static synchronized JsonNode fullFineTune() throws IOException {
        if (full == null) {
            full = fineTune("full", "--lr", FULL_LR, "--epochs", "4");
        }
        return full;
    }

    @Test
    void fineTuningTheEncoderBeatsAHeadOnFrozenEmbeddings() throws Exception {
        JsonNode headOnly = fineTune("head-only", "--train-only", "head.*", "--lr", "1e-2", "--epochs", "20");
        JsonNode full = fullFineTune();

        double headAccuracy = headOnly.path("val_accuracy").asDouble();
        double fullAccuracy = full.path("val_accuracy").asDouble();
        String summary = "full: " + full + "; head only: " + headOnly;
        assertTrue(fullAccuracy >= headAccuracy + 0.10, summary);
        assertTrue(fullAccuracy >= 0.85, summary);
        assertTrue(full.path("val_loss").asDouble() < headOnly.path("val_loss").asDouble() - 0.15, summary);

        checkExport(dir.resolve("full"), fullAccuracy);
        checkEvaluate(dir.resolve("full"), fullAccuracy);
    }

    /**
     * LoRA of rank 8, at its own best learning rate, trains under 2 % of the parameters and comes
     * within 2 points of the whole model's validation accuracy.
     */
    @Test
    void loraOfRankEightComesWithinTwoPointsOfFullFineTuning() throws Exception {
        JsonNode lora = fineTune("lora", "--lora", "8", "--lr", LORA_LR, "--epochs", "4");
        JsonNode whole = fullFineTune();
        String summary = "LoRA: " + lora + "; full: " + whole;
        assertTrue(lora.path("val_accuracy").asDouble() >= whole.path("val_accuracy").asDouble() - 0.02, summary);

        long adapted = trainableParameters("lora");
        long all = trainableParameters("full");
        assertTrue(adapted < 0.02 * all, adapted + " of " + all + " parameters trainable");
    }

    private static long trainableParameters(String run) throws IOException {
        return JSON.readTree(dir.resolve(run).resolve("run.json").toFile()).path("model").path("trainable_parameters").asLong();
    }

    /** The evaluate command on the run folder's model and tokenizer reports the same accuracy. */
    private static void checkEvaluate(Path run, double reportedAccuracy) {
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, TrainerCommand.execute("evaluate", "--model", run.resolve("model.onnx").toString(),
                    "--data", DATA.resolve("val.jsonl").toString(), "--max-length", "48"));
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        double accuracy = printed.lines().filter(l -> l.startsWith("accuracy ")).mapToDouble(l -> Double.parseDouble(l.substring(9)))
                .findFirst().orElseThrow(() -> new AssertionError("no accuracy in: " + printed));
        assertEquals(reportedAccuracy, accuracy, 1e-4, printed);
    }

    /** Plain ONNX Runtime on the exported model: same class names, same validation accuracy. */
    private static void checkExport(Path run, double reportedAccuracy) throws IOException {
        OnnxModel exported = OnnxModel.load(run.resolve("model.onnx"));
        String classNames = exported.proto().getMetadataPropsList().stream()
                .filter(p -> p.getKey().equals(ModelMetadata.CLASS_NAMES)).findFirst().orElseThrow().getValue();
        assertEquals(List.of("negative", "positive"), List.of(JSON.readValue(classNames, String[].class)));

        try (InferenceSession session = new InferenceSession(exported);
             TextTokenizer tokenizer = TextTokenizer.load(model.resolveSibling("tokenizer.json"), 48);
             Arena arena = Arena.ofConfined()) {
            TextDataset train = (TextDataset) Datasets.read(DATA.resolve("train.jsonl"), session.inputs(), new Labelling(Task.CLASSIFICATION, "label", null, true), Datasets.TextOptions.training(tokenizer));
            TextDataset val = (TextDataset) Datasets.read(DATA.resolve("val.jsonl"), session.inputs(), new Labelling(Task.CLASSIFICATION, "label", null, true), Datasets.TextOptions.following(tokenizer, train));
            assertEquals(List.of("negative", "positive"), val.classNames());
            Batch batch = val.batches(val.size(), arena).assemble(IntStream.range(0, val.size()).toArray());
            float[] logits = session.predict(batch, List.of("logits")).get("logits");
            assertEquals(2L * val.size(), logits.length);
            int right = 0;
            for (int i = 0; i < val.size(); i++) {
                int predicted = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                right += predicted == batch.labels().data().getInt(4 * i) ? 1 : 0;
            }
            assertEquals(reportedAccuracy, (double) right / val.size(), 1e-9);
            assertArrayEquals(new long[] {val.size()}, batch.labels().shape());
        }
    }
}
