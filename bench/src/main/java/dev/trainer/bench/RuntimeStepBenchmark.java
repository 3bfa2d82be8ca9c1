package dev.trainer.bench;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.config.LossKind;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.CapiRuntime;
import dev.trainer.runtime.HostPlacement;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.OrtRuntime;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.TrainingPlan;
import dev.trainer.runtime.TrainingRuntime;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.step.Losses;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
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
 * Does driving ONNX Runtime through its C API with I/O binding cost or save time per training
 * step, against its Java API, on the CPU? Milliseconds per step for each {@code runtime} on the
 * same {@code model}: {@code digits} (the demo MLP, 9.6 k parameters, a batch of 32 rows of
 * {@code models/digits/train.csv}) and {@code bert_tiny} (the 2-layer BERT fixture, 21 k
 * parameters, its 32 training sequences of 16 tokens). A step is forward, native cross-entropy,
 * backward and plain SGD over the flat buffer, on one fixed batch; ORT runs on one thread, so
 * the difference is the runtimes' per-run overhead, not thread scheduling.
 *
 * <p>What would make it wrong: the load of a shared machine drifting between the two runtimes'
 * trials (compare the runtimes of one JMH run only, or better, use {@link #main}, which steps the
 * two sessions alternately in one process and compares medians), or parameters drifting to
 * non-finite values (checked).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class RuntimeStepBenchmark {

    static final float LEARNING_RATE = 0.01f;

    @State(Scope.Thread)
    public static class Training {
        @Param({"digits", "bert_tiny"})
        public String model;

        @Param({"java", "capi"})
        public String runtime;

        Arena arena;
        TrainingRuntime ort;
        TrainingSession session;
        LossFunction loss;
        Batch batch;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() {
            Path models = TrainingStepBenchmark.ModelFiles.modelsFolder();
            boolean digits = model.equals("digits");
            Path folder = digits ? models.resolve("digits")
                    : models.resolveSibling("java/src/test/resources/fixtures/bert_tiny_torchscript");
            OnnxModel onnx = OnnxModel.load(TrainingStepBenchmark.ModelFiles.require(folder.resolve("model.onnx")));
            HostPlacement host = new HostPlacement(NativeKernels.instance());
            ort = runtime.equals("java") ? new OrtRuntime(host) : new CapiRuntime(host);
            session = ort.open(TrainingPlan.of(onnx, onnx.graph().trainableCandidates(), "logits", false, 0), 1);
            loss = Losses.of(LossKind.CROSS_ENTROPY, NativeKernels.instance());
            Dataset train = Datasets.read(folder.resolve(digits ? "train.csv" : "train.npz"), session.inputs(),
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
            session.close();
            ort.close();
            arena.close();
        }

        double step() {
            lastLoss = session.step(batch, loss);
            ParameterBuffer p = session.parameters();
            NativeKernels.instance().sgd(p.values(), p.gradients(), MemorySegment.NULL, p.length(), LEARNING_RATE, 0,
                    false, 0);
            return lastLoss;
        }
    }

    @Benchmark
    public double step(Training training) {
        return training.step();
    }

    /**
     * The two runtimes side by side, immune to load drift: {@code java -cp benchmarks.jar
     * dev.trainer.bench.RuntimeStepBenchmark MODEL STEPS} opens both sessions and alternates
     * their steps (after as many warm-up steps), then prints each runtime's median and lower
     * quartile in milliseconds and the ratio of the medians (C API / Java API).
     */
    public static void main(String[] args) {
        int steps = Integer.parseInt(args[1]);
        Training java = new Training();
        Training c = new Training();
        java.model = c.model = args[0];
        java.runtime = "java";
        c.runtime = "capi";
        java.open();
        c.open();
        try {
            long[] javaNanos = new long[steps];
            long[] cNanos = new long[steps];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < steps; i++) {
                    long start = System.nanoTime();
                    java.step();
                    long middle = System.nanoTime();
                    c.step();
                    javaNanos[i] = middle - start;
                    cNanos[i] = System.nanoTime() - middle;
                }
            }
            java.requireFiniteLoss();
            c.requireFiniteLoss();
            Arrays.sort(javaNanos);
            Arrays.sort(cNanos);
            System.out.printf("%s, %d steps each: JAVA_API median %.3f ms (p25 %.3f), C_API median %.3f ms (p25 %.3f),"
                    + " C_API / JAVA_API %.2f%n", args[0], steps, javaNanos[steps / 2] / 1e6, javaNanos[steps / 4] / 1e6,
                    cNanos[steps / 2] / 1e6, cNanos[steps / 4] / 1e6, (double) cNanos[steps / 2] / javaNanos[steps / 2]);
        } finally {
            java.close();
            c.close();
        }
    }
}
