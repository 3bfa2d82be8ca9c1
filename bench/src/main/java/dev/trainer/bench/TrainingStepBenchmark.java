package dev.trainer.bench;

import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RunConfig;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.BatchOrder;
import dev.trainer.data.Dataset;
import dev.trainer.data.Datasets;
import dev.trainer.data.Task;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * How long does one whole training step take, in milliseconds, for {@code model} at
 * {@code batch} samples?
 *
 * <p>A step is what {@code trainer fine-tune} does per batch, the same {@link TrainingStep}: copy
 * the batch's rows into the native batch buffers, run the forward graph, the native softmax
 * cross-entropy and the backward graph, then Adam in place over the flat parameter buffer. Not in
 * it: the per-step metrics line, gradient clipping (off by default), validation. The models:
 * {@code digits} is the shipped demo MLP ({@code models/digits/model.onnx}, 9.6 k parameters),
 * {@code cnn} the conv fixture ({@code java/src/test/resources/fixtures/cnn/model.onnx}: two
 * Conv + BatchNormalization + ReLU + pooling blocks and a Linear head, input [B,1,8,8]); both
 * read {@code models/digits/train.csv} through the data layer, which reshapes the 64 pixel
 * columns to the cnn's input. {@code scripts/pytorch_step.py} runs the same steps in PyTorch, so
 * the ratio of the two is the claim.
 *
 * <p>What would make it wrong: batches of varying size (only full batches are used, cycled in a
 * fixed shuffled order), the parameters drifting to non-finite values over thousands of Adam
 * steps (a non-finite loss fails the iteration), ORT using a different number of threads than
 * the comparison (it uses its default, one per core, as PyTorch does with
 * {@code set_num_threads(2)} on this 2-core machine), or a missing models folder silently timing
 * nothing (setup fails with the paths it tried). The JIT and ORT's first-run allocations settle
 * in the warm-up iterations; steps are tens of microseconds to milliseconds, so JMH's per-call
 * timer overhead is negligible.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class TrainingStepBenchmark {

    /** The Adam learning rate of the demo run ({@code --lr 0.003}). */
    static final double LEARNING_RATE = 0.003;
    /** Shuffle seed of the batch order; any fixed value will do. */
    static final long SEED = 42;

    /** A training session on one model, its optimizer, the training data and a fixed batch order. */
    @State(Scope.Thread)
    public static class Training {
        @Param({"digits", "cnn"})
        public String model;

        @Param({"32", "256"})
        public int batch;

        Arena arena;
        TrainingStep step;
        BatchAssembler assembler;
        List<int[]> batches;
        int next;
        long steps;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() {
            Path models = ModelFiles.modelsFolder();
            Path modelFile = model.equals("cnn") ? ModelFiles.cnnFixture(models) : models.resolve("digits/model.onnx");
            Path trainFile = ModelFiles.require(models.resolve("digits/train.csv"));
            // fine-tune's defaults but Adam at the demo's rate: every parameter trains, no decay
            RunConfig config = RunConfig.defaults(ModelFiles.require(modelFile))
                    .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, LEARNING_RATE));
            step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
            Dataset train = Datasets.read(trainFile, step.session().inputs(), Task.CLASSIFICATION, "label");
            arena = Arena.ofShared();
            assembler = new BatchAssembler(train, batch, arena);
            batches = new ArrayList<>();
            for (int epoch = 1; epoch <= 4; epoch++) {
                for (int[] indices : BatchOrder.epochBatches(train.size(), batch, true, SEED, epoch)) {
                    if (indices.length == batch) {
                        batches.add(indices);
                    }
                }
            }
        }

        @TearDown(Level.Iteration)
        public void requireFiniteLoss() {
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException(model + " batch " + batch + ": the loss became " + lastLoss
                        + "; the timings of this iteration are not of a sane training step");
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            step.close();
            arena.close();
        }

        /** One step as the fine-tune loop runs it; returns the batch's loss. */
        double step() {
            int[] indices = batches.get(next);
            next = (next + 1) % batches.size();
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

    /**
     * Where the shipped models and the cnn fixture are: {@code -Dtrainer.models=DIR}, else
     * {@code ./models}, else {@code ../models} (JMH run from the repository root or from
     * {@code bench/}). The cnn fixture is {@code -Dtrainer.cnn=FILE}, else found beside the
     * models folder in the source tree.
     */
    static final class ModelFiles {

        private ModelFiles() {
        }

        static Path modelsFolder() {
            String property = System.getProperty("trainer.models");
            List<Path> candidates = property != null ? List.of(Path.of(property))
                    : List.of(Path.of("models"), Path.of("..", "models"));
            for (Path candidate : candidates) {
                if (Files.isRegularFile(candidate.resolve("digits/model.onnx"))) {
                    return candidate.toAbsolutePath().normalize();
                }
            }
            throw new IllegalStateException("no models/digits/model.onnx in " + candidates.stream()
                    .map(p -> p.toAbsolutePath().normalize().toString()).toList()
                    + ": run from the repository root or bench/, or pass -Dtrainer.models=/path/to/trainer/models"
                    + " (to JMH's forks: -jvmArgsAppend -Dtrainer.models=...)");
        }

        static Path cnnFixture(Path models) {
            String property = System.getProperty("trainer.cnn");
            return property != null ? Path.of(property)
                    : models.resolveSibling("java/src/test/resources/fixtures/cnn/model.onnx");
        }

        static Path require(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException(file + " does not exist; pass -Dtrainer.models=DIR (and for the cnn"
                        + " fixture -Dtrainer.cnn=FILE) pointing into a trainer checkout");
            }
            return file;
        }
    }
}
