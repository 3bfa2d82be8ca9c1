package dev.trainer.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.DataException;
import dev.trainer.Inspection;
import dev.trainer.badinput.StoredNpz;
import dev.trainer.checkpoint.Checkpoint;
import dev.trainer.checkpoint.CheckpointFolder;
import dev.trainer.cli.Cli;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.NpzWriter;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.data.image.BadImageException;
import dev.trainer.data.image.FloatImage;
import dev.trainer.data.image.ImageDecoder;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.PositionTable;
import dev.trainer.runtime.ModelReadiness;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the loaders of every file a user gives trainer: CSV, NPZ and JSONL data, images, ONNX
 * models, and the checkpoints {@code trainer resume} reads.
 * A few hundred cases per loader by default (seconds); {@code scripts/fuzz} runs thousands, with
 * {@code -Dtrainer.fuzz.cases=N} and {@code -Dtrainer.fuzz.seed=S}. A failing case's file is kept
 * under {@code target/fuzz/} and named in the failure.
 */
class LoaderFuzzTest {

    private static final int CASES = Integer.getInteger("trainer.fuzz.cases", 250);
    private static final long SEED = Long.getLong("trainer.fuzz.seed", 8);
    private static final List<InputSpec> PIXELS = List.of(new InputSpec("input", ElementType.FLOAT, new long[] {-1, 64}));
    private static final List<InputSpec> TOKENS = List.of(
            new InputSpec("input_ids", ElementType.INT64, new long[] {-1, -1}),
            new InputSpec("attention_mask", ElementType.INT64, new long[] {-1, -1}),
            new InputSpec("token_type_ids", ElementType.INT64, new long[] {-1, -1}));
    private static final String TOKENIZER = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
             "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "[PAD]": 1, "sun": 10, "rain": 11, "goal": 12,
             "team": 13, "bread": 14}, "unk_token": "[UNK]"}}
            """;

    @TempDir
    static Path seeds;
    static TextTokenizer tokenizer;
    static Fuzz fuzz;

    @BeforeAll
    static void prepare() throws IOException {
        tokenizer = TextTokenizer.load(Files.writeString(seeds.resolve("tokenizer.json"), TOKENIZER), 16);
        fuzz = new Fuzz(Files.createDirectories(Path.of("target", "fuzz")), 20);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static void assertNoFailures(Fuzz.Target target) throws InterruptedException, IOException {
        Fuzz.Report report = fuzz.run(target, CASES, SEED);
        System.out.println(report.summary());
        if (Boolean.getBoolean("trainer.fuzz.refusals")) {
            report.refusals().forEach((kind, count) -> System.out.printf("  %5d  %s%n", count, kind));
        }
        assertEquals(List.of(), report.failures(), report.summary());
        assertTrue(report.loaded() > 0 && report.loaded() < CASES, "the mutations both break and keep files: "
                + report.summary());
    }

    @Test
    void csv() throws Exception {
        List<String> digits = Files.readAllLines(Path.of("../models/digits/val.csv")).subList(0, 30);
        List<byte[]> files = List.of(String.join("\n", digits).getBytes(StandardCharsets.UTF_8),
                (String.join("\r\n", digits) + "\r\n").getBytes(StandardCharsets.UTF_8));
        List<Mutation> mutations = new ArrayList<>(ByteMutations.all());
        mutations.addAll(LineMutations.all());
        assertNoFailures(new Fuzz.Target("csv", ".csv", files, mutations,
                file -> Datasets.read(file, PIXELS, Task.CLASSIFICATION, "label"), LoaderFuzzTest::checkDigits));
    }

    /**
     * numpy.savez's stored arrays and savez_compressed's deflated ones. A damaged file that loads
     * at all must load exactly what the undamaged one holds.
     */
    @Test
    void npz() throws Exception {
        Path deflated = seeds.resolve("digits.npz");
        float[] pixels = new float[16 * 64];
        long[] labels = new long[16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 7) % 17;
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        try (NpzWriter npz = new NpzWriter(deflated)) {
            npz.writeFloats("input", new long[] {16, 64}, pixels);
            npz.writeLongs("labels", new long[] {16}, labels);
            npz.writeFloats("ignored", new long[] {3}, new float[3]);
        }
        List<byte[]> files = List.of(StoredNpz.of(deflated), Files.readAllBytes(deflated));
        List<Dataset> originals = List.of(read(deflated), read(deflated));
        assertNoFailures(new Fuzz.Target("npz", ".npz", files, NpzMutations.all(), LoaderFuzzTest::read,
                (loaded, seed, onlyCorruption) -> {
                    checkDigits(loaded, seed, onlyCorruption);
                    if (onlyCorruption) {
                        Dataset d = (Dataset) loaded;
                        assertArrayEquals(originals.get(seed).feature("input").floats(), d.feature("input").floats(),
                                "a damaged array loaded as other numbers");
                        assertArrayEquals(originals.get(seed).labels().classes(), d.labels().classes());
                    }
                }));
    }

    private static Dataset read(Path file) {
        return Datasets.read(file, PIXELS, Task.CLASSIFICATION, "label");
    }

    private static void checkDigits(Object loaded, int seed, boolean onlyCorruption) {
        Dataset d = (Dataset) loaded;
        assertTrue(d.size() > 0);
        assertEquals(d.size() * 64, d.feature("input").floats().length);
        for (float v : d.feature("input").floats()) {
            assertTrue(Float.isFinite(v), "a non-finite feature loaded");
        }
        for (int c : d.labels().classes()) {
            assertTrue(c >= 0, "a negative class loaded");
        }
    }

    @Test
    void jsonl() throws Exception {
        String names = """
                {"text": "sun rain", "label": "weather"}
                {"text": "goal team", "text_pair": "team", "label": "sport"}

                {"text": "bread", "label": "food"}
                {"text": "sun sun goal", "label": "weather"}
                {"text": "rain bread team goal sun rain bread team goal sun rain bread team goal", "label": "food"}
                """;
        String ids = """
                {"text": "sun", "label": 0}
                {"text": "goal", "label": 1}
                {"label": 2, "text": "bread \\u00e9 \\ud83d\\ude00"}
                """;
        List<byte[]> files = List.of(names.getBytes(StandardCharsets.UTF_8), ids.getBytes(StandardCharsets.UTF_8));
        List<Mutation> mutations = new ArrayList<>(ByteMutations.all());
        mutations.addAll(LineMutations.all());
        assertNoFailures(new Fuzz.Target("jsonl", ".jsonl", files, mutations,
                file -> Datasets.read(file, TOKENS, new Labelling(Task.CLASSIFICATION, "label", null, true),
                        Datasets.TextOptions.training(tokenizer)),
                (loaded, seed, onlyCorruption) -> {
                    TextDataset d = (TextDataset) loaded;
                    assertTrue(d.size() > 0);
                    assertEquals(d.size(), d.labels().size());
                    for (int i = 0; i < d.size(); i++) {
                        assertTrue(d.ids(i).length <= tokenizer.maxLength(), "a sample longer than the max length");
                        assertTrue(d.sampleName(i).startsWith("line "), d.sampleName(i));
                    }
                }));
    }

    /** What every command does with a model file before reading data: load, index, readiness, position table. */
    @Test
    void onnx() throws Exception {
        assertNoFailures(new Fuzz.Target("onnx", ".onnx", models(), OnnxMutations.all(), file -> {
            OnnxModel model = OnnxModel.load(file);
            List<String> problems = ModelReadiness.problems(model, null);
            PositionTable.of(model);
            return problems;
        }, (loaded, seed, onlyCorruption) -> {
            @SuppressWarnings("unchecked")
            List<String> problems = (List<String>) loaded;
            problems.forEach(p -> assertTrue(!p.contains("\n") && !p.isBlank(), p));
        }));
    }

    /** A model and what {@code trainer inspect} says of it. */
    private record Inspected(Inspection inspection, List<String> problems) {
    }

    /** {@code trainer inspect} on damaged models: a report, and "ready" only when fine-tune's readiness check agrees. */
    @Test
    void inspect() throws Exception {
        assertNoFailures(new Fuzz.Target("inspect", ".onnx", models(), OnnxMutations.all(),
                file -> new Inspected(Inspection.of(file), ModelReadiness.problems(OnnxModel.load(file), null)),
                (loaded, seed, onlyCorruption) -> {
                    Inspected i = (Inspected) loaded;
                    assertFalse(i.inspection().report().isBlank());
                    if (i.inspection().ready()) {
                        assertEquals(List.of(), i.problems(), "inspect says ready where fine-tune refuses");
                    }
                }));
    }

    /**
     * Image files as the loader decodes them during training, after the up-front header check:
     * PNG, BMP, GIF and JPEG, damaged. A file refused is a {@link BadImageException}, which the
     * loader turns into a {@link DataException} as this does.
     */
    @Test
    void images() throws Exception {
        BufferedImage picture = new BufferedImage(12, 9, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 12; x++) {
                picture.setRGB(x, y, (x * 20) << 16 | (y * 28) << 8 | (x + y) * 9);
            }
        }
        List<byte[]> files = new ArrayList<>();
        for (String format : List.of("png", "bmp", "gif", "jpeg")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(picture, format, bytes), format);
            files.add(bytes.toByteArray());
        }
        List<Mutation> mutations = new ArrayList<>(ByteMutations.all());
        mutations.add(Mutation.rewrite("a huge size in a PNG header", LoaderFuzzTest::hugePng));
        assertNoFailures(new Fuzz.Target("image", ".img", files, mutations, file -> {
            try {
                ImageDecoder.probe(file);
                return ImageDecoder.decode(file, 3);
            } catch (BadImageException e) {
                throw new DataException(e.getMessage(), e);
            }
        }, (loaded, seed, onlyCorruption) -> {
            FloatImage image = (FloatImage) loaded;
            assertEquals(3L * image.height() * image.width(), image.values().length);
            for (float v : image.values()) {
                assertTrue(v >= 0 && v <= 1, "a pixel outside [0, 1]: " + v);
            }
        }));
    }

    /** A PNG whose header claims a width and height of tens of thousands of pixels (its IHDR's CRC left stale). */
    private static byte[] hugePng(byte[] bytes, java.util.SplittableRandom random) {
        if (bytes.length < 24 || bytes[1] != 'P' || bytes[2] != 'N' || bytes[3] != 'G') {
            return bytes;
        }
        byte[] b = bytes.clone();
        java.nio.ByteBuffer.wrap(b).putInt(16, 1 + random.nextInt(1 << 16)).putInt(20, 1 + random.nextInt(1 << 16));
        return b;
    }

    /**
     * Checkpoints as {@code trainer resume} reads them: two written by a short run of the demo. A
     * damaged one that loads at all must hold the original's parameters (each section has a CRC).
     */
    @Test
    void checkpoints() throws Exception {
        Path run = seeds.resolve("run");
        Cli.Outcome outcome = Cli.run("fine-tune", "--out", run.toString(), "--model", "../models/digits/model.onnx",
                "--train", "../models/digits/val.csv", "--max-steps", "4", "--save-every", "2", "--threads", "1");
        assertEquals(0, outcome.code(), outcome.err());
        List<Path> written = new CheckpointFolder(run.resolve("checkpoints")).list();
        List<byte[]> files = new ArrayList<>();
        List<float[]> parameters = new ArrayList<>();
        for (Path file : written) {
            files.add(Files.readAllBytes(file));
            parameters.add(Checkpoint.read(file).parameters());
        }
        List<Mutation> mutations = new ArrayList<>(ByteMutations.all());
        mutations.add(Mutation.rewrite("leave it whole", (bytes, random) -> bytes)); // every byte damaged is refused
        assertNoFailures(new Fuzz.Target("checkpoint", ".ckpt", files, mutations, Checkpoint::read,
                (loaded, seed, onlyCorruption) -> {
                    Checkpoint checkpoint = (Checkpoint) loaded;
                    if (onlyCorruption) {
                        assertArrayEquals(parameters.get(seed), checkpoint.parameters(), "damaged parameters loaded");
                    }
                }));
    }

    private static List<byte[]> models() throws IOException {
        List<byte[]> files = new ArrayList<>();
        files.add(Files.readAllBytes(Path.of("../models/digits/model.onnx")));
        for (String fixture : List.of("cnn", "bert_tiny_torchscript", "bert_tiny_export_style")) {
            files.add(Files.readAllBytes(Path.of("src/test/resources/fixtures", fixture, "model.onnx")));
        }
        return files;
    }
}
