package dev.trainer.bench.gpu;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer.bench.MiniLmStepBenchmark;
import dev.trainer.config.GraphTraps;
import dev.trainer.config.HeadSpec;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RunConfig;
import dev.trainer.cuda.CudaPrerequisites;
import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaUnavailableException;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.Task;
import dev.trainer.data.TextDataset;
import dev.trainer.data.TextTokenizer;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.runtime.ModelInputs;
import dev.trainer.runtime.ShapeInference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The GPU machine's one run (scripts/gpu/check runs it after unpacking the staged folder), all
 * through the {@link dev.trainer.train.step.TrainingStep} that {@code trainer fine-tune} runs:
 * CPU-against-CUDA parity of 3 SGD steps on the digits demo and on all-MiniLM-L6-v2 with a
 * {@code classify:5} head ({@link CudaParity}); {@code trainer fine-tune --device cuda} on the
 * digits demo end to end beside the same run on the CPU ({@link FineTuneParity}); NCCL's calls on a
 * communicator of one rank ({@link NcclCheck}, never yet run on a GPU); then the MiniLM
 * AdamW step at batch 32 and 128 of 128 tokens ({@link CudaStepTiming}), beside PyTorch's figures
 * on the same H200. Each part that fails records its error and the others still run: the device
 * time is scarce. Writes one JSON object; exits 0 when every parity check passed, 1 otherwise.
 * {@code --probe} only checks that CUDA training can run: it prints the GPU's name, or the
 * one-line reason it cannot and exits 2.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp ... dev.trainer.bench.gpu.GpuCheck OUT.json MODELS_DIR MINILM.onnx</pre>
 * MODELS_DIR is the repository's {@code models/}; the MiniLM tokenizer lies beside the model as
 * {@code all-minilm-l6-v2-tokenizer.json}.
 */
public final class GpuCheck {

    /** PyTorch 2.11 eager fp32 AdamW, MiniLM-sized BERT classifier, same H200: ms per step. */
    static final double PYTORCH_B32_MS = 13.0;
    static final double PYTORCH_B128_MS = 34.2;
    static final String MINILM_HEAD = "classify:5";
    /** fine-tune's AdamW for MiniLM, as MiniLmStepBenchmark: decay on matrices, none on biases and norms. */
    static final double MINILM_LR = 5e-5;
    static final double MINILM_WEIGHT_DECAY = 0.01;

    private GpuCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--probe")) {
            System.exit(probe());
        }
        if (args.length != 3) {
            System.err.println("usage: GpuCheck OUT.json MODELS_DIR MINILM.onnx | GpuCheck --probe");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Path models = Path.of(args[1]);
        Path minilm = Path.of(args[2]);
        ObjectMapper json = new ObjectMapper();
        ObjectNode summary = json.createObjectNode();
        Runnable save = () -> write(json, summary, out);
        section(summary, save, "machine", GpuCheck::machine);
        section(summary, save, "digits_sgd_parity", () -> digitsParity(models));
        Path tokenizer = minilm.resolveSibling("all-minilm-l6-v2-tokenizer.json");
        section(summary, save, "minilm_sgd_parity", () -> minilmParity(minilm, tokenizer, models.resolve("text/train.jsonl")));
        section(summary, save, "digits_fine_tune", () -> FineTuneParity.run(models.resolve("digits")));
        section(summary, save, "nccl_one_rank", NcclCheck::run);
        section(summary, save, "minilm_adamw_b32_s128", () -> timing(minilm, tokenizer, 32, PYTORCH_B32_MS));
        section(summary, save, "minilm_adamw_b128_s128", () -> timing(minilm, tokenizer, 128, PYTORCH_B128_MS));
        boolean passed = List.of("digits_sgd_parity", "minilm_sgd_parity", "digits_fine_tune", "nccl_one_rank").stream()
                .allMatch(part -> summary.path(part).path("passed").asBoolean(false));
        summary.put("parity_passed", passed);
        save.run();
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        System.exit(passed ? 0 : 1);
    }

    /** Writes the summary as it stands: after every part, so that a crash later keeps what was measured. */
    private static void write(ObjectMapper json, ObjectNode summary, Path out) {
        try {
            Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    /** Whether CUDA training can run here: the device's name and 0, or the one-line reason and 2. */
    private static int probe() {
        try (CudaPlacement gpu = CudaPlacement.claim(0)) {
            System.out.println(gpu.name());
            return 0;
        } catch (CudaUnavailableException e) {
            System.out.println("no GPU: " + e.getMessage());
            return 2;
        }
    }

    /** Runs one part; a failure becomes {"error": ...} so that the rest still runs. */
    private static void section(ObjectNode summary, Runnable save, String name, Supplier<ObjectNode> part) {
        System.err.println("gpu check: " + name);
        long start = System.nanoTime();
        try {
            summary.set(name, part.get());
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            summary.putObject(name).put("error", e.toString());
        }
        ((ObjectNode) summary.get(name)).put("seconds", (System.nanoTime() - start) / 1e9);
        save.run();
    }

    private static ObjectNode machine() {
        String name = CudaPrerequisites.require(0);
        int[] versions = CudaRuntime.load().versions();
        ObjectNode machine = new ObjectMapper().createObjectNode().put("gpu", name).put("cuda_driver", versions[0])
                .put("cuda_runtime", versions[1]).put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
        machine.put("providers", OrtEnvironment.getAvailableProviders().toString());
        return machine;
    }

    private static ObjectNode digitsParity(Path models) {
        Path model = models.resolve("digits/model.onnx");
        try (Arena arena = Arena.ofConfined()) {
            Dataset train = Datasets.read(models.resolve("digits/train.csv"), inputs(model), Task.CLASSIFICATION, "label");
            Batch batch = new BatchAssembler(train, 32, arena).assemble(IntStream.range(0, 32).toArray());
            return CudaParity.run(RunConfig.defaults(model), batch, 0.1, 3);
        }
    }

    private static ObjectNode minilmParity(Path minilm, Path tokenizer, Path texts) {
        return withTextBatch(minilm, tokenizer, texts, 16, 64, batch -> CudaParity.run(minilmConfig(minilm), batch,
                1e-2, 3));
    }

    private static ObjectNode timing(Path minilm, Path tokenizer, int batchSize, double pytorchMs) {
        try {
            Path texts = Files.createTempFile("minilm-random", ".jsonl");
            MiniLmStepBenchmark.writeRandomText(texts, tokenizer, batchSize, 42);
            RunConfig adamw = minilmConfig(minilm).with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, MINILM_LR)
                    .withWeightDecay(MINILM_WEIGHT_DECAY));
            ObjectNode report = withTextBatch(minilm, tokenizer, texts, batchSize, 128,
                    batch -> CudaStepTiming.run(adamw, batch));
            Files.delete(texts);
            return report.put("pytorch_ms", pytorchMs).put("ratio_to_pytorch", report.get("median_ms").asDouble() / pytorchMs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** MiniLM with a new classification head, Dropout off (so that both devices compute the same function). */
    private static RunConfig minilmConfig(Path minilm) {
        return RunConfig.defaults(minilm).with(new ModelConfig(minilm, null, HeadSpec.parse(MINILM_HEAD), 0, false,
                GraphTraps.DEFAULT));
    }

    /** The first {@code size} samples of a JSONL file, tokenized to at most {@code maxLength}, as one batch. */
    private static ObjectNode withTextBatch(Path minilm, Path tokenizerJson, Path texts, int size, int maxLength,
                                            Function<Batch, ObjectNode> use) {
        try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerJson, maxLength); Arena arena = Arena.ofConfined()) {
            TextDataset data = (TextDataset) Datasets.read(texts, inputs(minilm),
                    new Labelling(Task.CLASSIFICATION, "label", null, true), Datasets.TextOptions.training(tokenizer));
            return use.apply(data.batches(size, arena).assemble(IntStream.range(0, size).toArray()));
        }
    }

    private static List<InputSpec> inputs(Path model) {
        OnnxModel onnx = OnnxModel.load(model);
        return ModelInputs.of(onnx, ShapeInference.infer(onnx));
    }
}
