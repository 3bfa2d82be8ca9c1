package dev.trainer.bench;

import dev.trainer.config.DistributedMode;
import dev.trainer.config.GraphTraps;
import dev.trainer.config.ModelConfig;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RegularizationConfig;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
 * How long does one full fine-tuning step of a torchvision CNN take, in milliseconds, at 32
 * images of 64 × 64?
 *
 * <p>{@code model} is {@code resnet18} or {@code mobilenetv3} (mobilenet_v3_small), both with 10
 * classes, exported by {@code scripts/make_bench_models.py} into {@code build/bench-models/} (or
 * {@code -Dtrainer.benchModels=DIR}). The step is {@code trainer fine-tune --optimizer adamw} per
 * batch: every parameter trainable except BatchNorm's running statistics (BN in inference form),
 * the script's batch of 32 random images, forward graph, native cross-entropy, backward graph,
 * AdamW (lr 1e-3, weight decay 0.01 on every tensor, as {@code torch.optim.AdamW} applies it) in
 * place. {@code scripts/pytorch_vision_step.py} is the same step in PyTorch with the same weights
 * and batch; {@code scripts/bench --vs-pytorch} runs the two side by side and the ratio is the claim.
 *
 * <p>What would make it wrong: a different thread count than PyTorch's ({@code threads} 0 is ONNX
 * Runtime's default, one per core, as PyTorch's 2 threads on the 2-core machine), the first steps'
 * allocations and the JIT's compiling of the per-step Java code (ten warm-up steps), or the
 * parameters diverging (a non-finite loss fails the iteration). Steps take 0.1-1 s, so each
 * iteration is one step ({@link Mode#SingleShotTime}).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class VisionStepBenchmark {

    static final int BATCH = 32;
    static final double LEARNING_RATE = 1e-3;
    static final double WEIGHT_DECAY = 0.01;

    @State(Scope.Thread)
    public static class Training {
        @Param({"resnet18", "mobilenetv3"})
        public String model;

        /** ONNX Runtime intra-op threads; 0 is its default (one per core). */
        @Param({"0"})
        public int threads;

        /** ONNX Runtime's API ({@code --runtime}): {@code capi} or {@code java} (which -Dtrainer.ortProfile profiles). */
        @Param({"capi"})
        public String runtime;

        /** What the backward computes again ({@code --recompute}): {@code none} or {@code segments}. */
        @Param({"none"})
        public String recompute;

        Arena arena;
        TrainingStep step;
        BatchAssembler assembler;
        int[] indices;
        long steps;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() {
            Path folder = benchModels().resolve(model);
            Path file = TrainingStepBenchmark.ModelFiles.require(folder.resolve("model.onnx"));
            // fine-tune --optimizer adamw --weight-decay 0.01 --regularize-all --no-dropout
            RunConfig config = RunConfig.defaults(file)
                    .with(new ModelConfig(file, "logits", null, 0, false, GraphTraps.DEFAULT))
                    .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, LEARNING_RATE).withWeightDecay(WEIGHT_DECAY))
                    .with(new RegularizationConfig(List.of(), List.of(), true))
                    .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), RuntimeApi.parse(runtime), threads,
                            DistributedMode.NONE, RecomputeMode.parse(recompute)));
            step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
            Dataset train = Datasets.read(folder.resolve("train.npz"), step.session().inputs(), Task.CLASSIFICATION, "label");
            if (train.size() != BATCH) {
                throw new IllegalStateException(folder.resolve("train.npz") + " has " + train.size() + " images, not "
                        + BATCH + "; rerun scripts/make_bench_models.py");
            }
            arena = Arena.ofShared();
            assembler = new BatchAssembler(train, BATCH, arena);
            indices = IntStream.range(0, BATCH).toArray();
        }

        @TearDown(Level.Iteration)
        public void requireFiniteLoss() {
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException(model + ": the loss became " + lastLoss);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            step.close();
            arena.close();
        }

        double step() {
            double value = step.run(assembler.assemble(indices), null, LEARNING_RATE, Double.NaN, false, ++steps)
                    .loss().value();
            lastLoss = value;
            return value;
        }
    }

    @Benchmark
    public double step(Training training) {
        return training.step();
    }

    /** {@code -Dtrainer.benchModels=DIR}, else {@code build/bench-models} here or one folder up. */
    static Path benchModels() {
        String property = System.getProperty("trainer.benchModels");
        List<Path> candidates = property != null ? List.of(Path.of(property))
                : List.of(Path.of("build", "bench-models"), Path.of("..", "build", "bench-models"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("no bench models in " + candidates.stream()
                .map(p -> p.toAbsolutePath().normalize().toString()).toList()
                + ": run /usr/bin/python3 scripts/make_bench_models.py, or pass -Dtrainer.benchModels=DIR");
    }
}
