package dev.trainer.bench;

import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RunConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.ImageLoader;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.onnx.ModelWriter;
import dev.trainer.train.step.TrainingModel;
import dev.trainer.train.step.TrainingStep;
import java.lang.foreign.Arena;
import java.nio.file.Path;
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
 * <p>The batch is loaded once and stepped on repeatedly by the fine-tune's {@link TrainingStep}
 * (forward, native cross-entropy, backward, Adam in place), so no decoding is in the figure. ONNX Runtime uses its default
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
        TrainingStep step;
        Batch batch;
        long steps;
        double lastLoss;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchImages.writeFolder(ImageLoaderBenchmark.BATCH, size, 11);
            ImageDataset data = BenchImages.read(dir, size, 2);
            arena = Arena.ofShared();
            loader = new ImageLoader(data, ImageLoaderBenchmark.BATCH, arena, 2, 1);
            batch = loader.assemble(IntStream.range(0, ImageLoaderBenchmark.BATCH).toArray());
            Path model = dir.resolve("small-cnn.onnx");
            ModelWriter.write(SmallCnn.build(size, 3), model);
            RunConfig config = RunConfig.defaults(model)
                    .with(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAM, TrainingStepBenchmark.LEARNING_RATE));
            step = TrainingStep.open(TrainingModel.of(config), config, NativeKernels.instance());
        }

        @TearDown(Level.Iteration)
        public void requireFiniteLoss() {
            if (!Double.isFinite(lastLoss)) {
                throw new IllegalStateException("size " + size + ": the loss became " + lastLoss);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            step.close();
            loader.close();
            arena.close();
            BenchImages.delete(dir);
        }
    }

    @Benchmark
    public double step(Stepping s) {
        double value = s.step.run(s.batch, null, TrainingStepBenchmark.LEARNING_RATE, Double.NaN, false, ++s.steps)
                .loss().value();
        s.lastLoss = value;
        return value;
    }
}
