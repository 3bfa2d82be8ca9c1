package dev.trainer.bench;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.trainer.kernels.JavaKernels;
import dev.trainer.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * How fast is softmax cross-entropy with its gradient, native against Java, over {@code size}
 * logits in rows of {@value #CLASSES} classes (ImageNet-sized heads), with label smoothing?
 *
 * <p>Bytes per logit: 8 (read the logit, write its gradient); labels add 4 per row, ignored.
 * The kernel does one exp per logit, so unlike the others it may be bound by arithmetic rather
 * than memory: a rate well below the copy baseline means exp is the limit, not a bad loop.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CrossEntropyBenchmark {

    static final int CLASSES = 1024;
    static final long BYTES_PER_ELEMENT = 8;

    /** A batch of logits, labels and the gradient buffer. */
    @State(Scope.Benchmark)
    public static class Batch {
        @Param({"65536", "4194304"})
        public int size;

        final Kernels nativeKernels = Kernels.defaultKernels();
        final Kernels javaKernels = new JavaKernels();
        Arena arena;
        MemorySegment logits;
        MemorySegment labels;
        MemorySegment dLogits;
        long rows;

        @Setup
        public void allocate() {
            arena = Arena.ofShared();
            rows = size / CLASSES;
            logits = RandomFloats.gaussian(arena, size, 1, 3);
            dLogits = arena.allocate((long) size * Float.BYTES, 64);
            labels = arena.allocate(JAVA_INT, rows);
            SplittableRandom random = new SplittableRandom(2);
            for (long i = 0; i < rows; i++) {
                labels.setAtIndex(JAVA_INT, i, random.nextInt(CLASSES));
            }
        }

        @TearDown
        public void free() {
            arena.close();
        }

        double run(Kernels kernels) {
            return kernels.softmaxCrossEntropy(logits, labels, rows, CLASSES, MemorySegment.NULL,
                    MemorySegment.NULL, 0.1f, -100, dLogits);
        }
    }

    @Benchmark
    public void nativeKernel(Batch batch, BytesMoved moved, Blackhole blackhole) {
        blackhole.consume(batch.run(batch.nativeKernels));
        moved.add(BYTES_PER_ELEMENT * batch.size);
    }

    @Benchmark
    public void javaKernel(Batch batch, BytesMoved moved, Blackhole blackhole) {
        blackhole.consume(batch.run(batch.javaKernels));
        moved.add(BYTES_PER_ELEMENT * batch.size);
    }
}
