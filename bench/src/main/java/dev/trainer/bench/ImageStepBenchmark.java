package dev.trainer.bench;

import dev.trainer.data.Batch;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.ImageLoader;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.LossKind;
import dev.trainer.train.Losses;
import dev.trainer.train.OptimizerKind;
import dev.trainer.train.TrainableParameters;
import dev.trainer.train.params.GroupedOptimizer;
import dev.trainer.train.params.ParameterSetting;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * How long is one training step of a small CNN ({@link SmallCnn}: three stride-2 3x3
 * convolutions, global average pooling, a linear layer; 24 k parameters) on a batch of 32 RGB
 * images of {@code size}? The other side of {@link ImageLoaderBenchmark}: the step needs
 * 32 / (seconds per step) images a second from the loader.
 *
 * <p>The batch is loaded once and stepped on repeatedly (forward, native cross-entropy,
 * backward, Adam in place), so no decoding is in the figure. ONNX Runtime uses its default
 * threads (one per core). What would make it wrong: a diverging loss (checked each iteration).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ImageStepBenchmark {

    @State(Scope.Thread)
    public static class Stepping {
        @Param({"64", "224"})
        public int size;

        Path dir;
        Arena arena;
        ImageLoader loader;
        TrainingSession session;
        GroupedOptimizer optimizer;
        LossFunction loss;
        Batch batch;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchImages.writeFolder(ImageLoaderBenchmark.BATCH, size, 11);
            ImageDataset data = BenchImages.read(dir, size, 2);
            arena = Arena.ofShared();
            loader = new ImageLoader(data, ImageLoaderBenchmark.BATCH, arena, 2, 1);
            batch = loader.assemble(IntStream.range(0, ImageLoaderBenchmark.BATCH).toArray());
            OnnxModel model = SmallCnn.build(size, 3);
            session = TrainingSession.open(model, TrainableParameters.of(model), "logits");
            Map<String, ParameterSetting> plain = new LinkedHashMap<>();
            session.parameters().slots().forEach(s -> plain.put(s.name(), new ParameterSetting(s.name(), 0, 1, 0, 0, 0)));
            optimizer = new GroupedOptimizer(OptimizerKind.ADAM, NativeKernels.instance(), session.parameters(), plain, 0);
            loss = Losses.of(LossKind.CROSS_ENTROPY, NativeKernels.instance());
        }

        @TearDown(Level.Iteration)
        public void requireFiniteLoss() {
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException("size " + size + ": the loss became " + lastLoss);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            optimizer.close();
            session.close();
            loader.close();
            arena.close();
            BenchImages.delete(dir);
        }
    }

    @Benchmark
    public double step(Stepping s) {
        double value = s.session.step(s.batch, s.loss);
        s.optimizer.step(TrainingStepBenchmark.LEARNING_RATE);
        s.lastLoss = value;
        return value;
    }
}
