package dev.trainer.bench;

import dev.trainer.config.DistributedMode;
import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RecomputeMode;
import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeApi;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
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
 * Does driving ONNX Runtime through its C API with I/O binding ({@code --runtime capi}) cost or
 * save time per training step, against its Java API ({@code --runtime java}), on the CPU?
 * Milliseconds per whole {@link TrainingStep} (forward, native cross-entropy, backward, Adam at
 * fine-tune's defaults) for each {@code runtime} on the same {@code model}: {@code digits} (the
 * demo MLP, 9.6 k parameters) and {@code cnn} (the conv fixture), 32 rows of
 * {@code models/digits/train.csv}; {@code bert_tiny} (the 2-layer BERT fixture, its 32 training
 * sequences of 16 tokens). ORT runs on one thread, so the difference is the runtimes' per-run
 * overhead, not thread scheduling.
 *
 * <p>What would make it wrong: the load of a shared machine drifting between the two runtimes'
 * trials (compare the runtimes of one JMH run only, or better, use {@link #main}, which steps the
 * two alternately in one process and compares medians), or parameters drifting to non-finite
 * values (checked).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class RuntimeStepBenchmark {

    static final double LEARNING_RATE = 0.003;

    @State(Scope.Thread)
    public static class Training {
        @Param({"digits", "cnn", "bert_tiny"})
        public String model;

        @Param({"java", "capi"})
        public String runtime;

        Arena arena;
        TrainingStep step;
        Batch batch;
        long steps;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() {
            Path models = TrainingStepBenchmark.ModelFiles.modelsFolder();
            Path fixtures = models.resolveSibling("java/src/test/resources/fixtures");
            Path modelFile = switch (model) {
                case "digits" -> models.resolve("digits/model.onnx");
                case "cnn" -> TrainingStepBenchmark.ModelFiles.cnnFixture(models);
                default -> fixtures.resolve("bert_tiny_torchscript/model.onnx");
            };
            Path trainFile = model.equals("bert_tiny") ? fixtures.resolve("bert_tiny_torchscript/train.npz")
                    : models.resolve("digits/train.csv");
            RunConfig config = RunConfig.defaults(TrainingStepBenchmark.ModelFiles.require(modelFile))
                    .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, LEARNING_RATE))
                    .with(new RuntimeConfig(RuntimeConfig.DEFAULT.device(), RuntimeApi.parse(runtime), 1, DistributedMode.NONE,
                    RecomputeMode.NONE));
            step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
            Dataset train = Datasets.read(TrainingStepBenchmark.ModelFiles.require(trainFile), step.session().inputs(),
                    Task.CLASSIFICATION, "label");
            arena = Arena.ofShared();
            batch = new BatchAssembler(train, 32, arena).assemble(IntStream.range(0, 32).toArray());
        }

        @TearDown(Level.Iteration)
        public void requireFiniteLoss() {
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException(model + " on " + runtime + ": the loss became " + lastLoss);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            step.close();
            arena.close();
        }

        double step() {
            lastLoss = step.run(batch, null, LEARNING_RATE, Double.NaN, false, ++steps).loss().value();
            return lastLoss;
        }
    }

    @Benchmark
    public double step(Training training) {
        return training.step();
    }

    /**
     * The two runtimes side by side, immune to load drift: {@code java -cp benchmarks.jar
     * dev.trainer.bench.RuntimeStepBenchmark MODEL STEPS} opens both and alternates their steps
     * (after as many warm-up steps), then prints each runtime's median and lower quartile in
     * milliseconds and the ratio of the medians (C API / Java API). MODEL is digits, cnn, bert_tiny
     * or minilm ({@link MiniLmStepBenchmark}'s step: 32 × 128 tokens, AdamW, ORT's default threads).
     */
    public static void main(String[] args) throws IOException {
        String model = args[0];
        int steps = Integer.parseInt(args[1]);
        AutoCloseable[] opened = new AutoCloseable[2];
        DoubleSupplier[] step = new DoubleSupplier[2];
        String[] runtimes = {"java", "capi"};
        try {
            for (int r = 0; r < 2; r++) {
                if (model.equals("minilm")) {
                    MiniLmStepBenchmark.Training t = new MiniLmStepBenchmark.Training();
                    t.runtime = runtimes[r];
                    t.open();
                    opened[r] = t::close;
                    step[r] = t::step;
                } else {
                    Training t = new Training();
                    t.model = model;
                    t.runtime = runtimes[r];
                    t.open();
                    opened[r] = t::close;
                    step[r] = t::step;
                }
            }
            long[][] nanos = new long[2][steps];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < steps; i++) {
                    for (int r = 0; r < 2; r++) {
                        long start = System.nanoTime();
                        double loss = step[r].getAsDouble();
                        nanos[r][i] = System.nanoTime() - start;
                        if (!Double.isFinite(loss)) {
                            throw new IllegalStateException(model + " on " + runtimes[r] + ": the loss became " + loss);
                        }
                    }
                }
            }
            Arrays.sort(nanos[0]);
            Arrays.sort(nanos[1]);
            System.out.printf("%s, %d steps each: java median %.3f ms (p25 %.3f), capi median %.3f ms (p25 %.3f),"
                    + " capi / java %.3f%n", model, steps, nanos[0][steps / 2] / 1e6, nanos[0][steps / 4] / 1e6,
                    nanos[1][steps / 2] / 1e6, nanos[1][steps / 4] / 1e6, (double) nanos[1][steps / 2] / nanos[0][steps / 2]);
        } finally {
            for (AutoCloseable c : opened) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        System.err.println("closing: " + e);
                    }
                }
            }
        }
    }
}
