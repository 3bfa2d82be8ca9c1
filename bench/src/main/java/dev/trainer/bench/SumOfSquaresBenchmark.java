package dev.trainer.bench;

import dev.trainer.kernels.JavaKernels;
import dev.trainer.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * How fast is the sum of squares behind the global gradient norm, native against Java, over
 * {@code size} gradients?
 *
 * <p>Bytes per gradient: 4 (read only). Java sums strictly in order, one dependent double add
 * per element, so it is latency-bound; the C loop may reorder its double sum across lanes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SumOfSquaresBenchmark {

    static final long BYTES_PER_ELEMENT = 4;

    /** The gradient buffer. */
    @State(Scope.Benchmark)
    public static class Gradients {
        @Param({"65536", "4194304"})
        public int size;

        final Kernels nativeKernels = Kernels.defaultKernels();
        final Kernels javaKernels = new JavaKernels();
        Arena arena;
        MemorySegment grads;

        @Setup
        public void allocate() {
            arena = Arena.ofShared();
            grads = RandomFloats.gaussian(arena, size, 1, 1);
        }

        @TearDown
        public void free() {
            arena.close();
        }
    }

    @Benchmark
    public void nativeKernel(Gradients gradients, BytesMoved moved, Blackhole blackhole) {
        blackhole.consume(gradients.nativeKernels.sumOfSquares(gradients.grads, gradients.size));
        moved.add(BYTES_PER_ELEMENT * gradients.size);
    }

    @Benchmark
    public void javaKernel(Gradients gradients, BytesMoved moved, Blackhole blackhole) {
        blackhole.consume(gradients.javaKernels.sumOfSquares(gradients.grads, gradients.size));
        moved.add(BYTES_PER_ELEMENT * gradients.size);
    }
}
