package dev.trainer.bench;

import dev.trainer.data.BatchOrder;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.ImageLoader;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How many images a second does the image loader deliver, at the model size {@code size} with
 * {@code threads} decoding threads?
 *
 * <p>One operation is one image of a batch of 32 handed to the caller as a native float32
 * {@code [32, 3, size, size]} tensor: read from disk (the page cache, after the first pass),
 * JPEG-decoded (TwelveMonkeys/ImageIO), converted to RGB floats, resized down from 5/4 of the
 * size (antialiased bilinear), ImageNet-normalized, copied into the batch buffer. The loader runs
 * planned epochs (shuffled), keeping 4 batches in flight, as the fine-tune loop drives it; the
 * caller does nothing but wait, so the figure is the loader's ceiling. Compare with
 * {@link ImageStepBenchmark}: the loader keeps up when images/s exceed 32 / (seconds per step).
 *
 * <p>What would make it wrong: a cold page cache (the files are written in setup, so they are
 * cached), images smaller than the model (no resize), or the caller's thread decoding too (it
 * does not: it only copies finished samples).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ImageLoaderBenchmark.BATCH)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ImageLoaderBenchmark {

    static final int BATCH = 32;
    static final int IMAGES = 256;

    @State(Scope.Thread)
    public static class Loading {
        @Param({"64", "224"})
        public int size;

        @Param({"1", "2"})
        public int threads;

        Path dir;
        Arena arena;
        ImageLoader loader;
        int[][] batches;
        int epoch;
        int next;

        @Setup(Level.Trial)
        public void open() {
            dir = BenchImages.writeFolder(IMAGES, size, 7);
            ImageDataset data = BenchImages.read(dir, size, threads);
            arena = Arena.ofShared();
            loader = new ImageLoader(data, BATCH, arena, threads, ImageLoader.DEFAULT_PREFETCH);
            nextEpoch();
        }

        void nextEpoch() {
            epoch++;
            batches = BatchOrder.epochBatches(IMAGES, BATCH, true, 42, epoch);
            loader.plan(epoch, batches);
            next = 0;
        }

        int load() {
            if (next == batches.length) {
                nextEpoch();
            }
            return loader.assemble(batches[next++]).size();
        }

        @TearDown(Level.Trial)
        public void close() {
            loader.close();
            arena.close();
            BenchImages.delete(dir);
        }
    }

    @Benchmark
    public int batch(Loading loading) {
        return loading.load();
    }
}
