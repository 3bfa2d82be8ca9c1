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

/**
 * How fast is one AdamW update in place, native against Java, over {@code size} parameters?
 *
 * <p>Bytes per parameter: 28 (read parameter, gradient, m and v; write parameter, m and v).
 * Adam (coupled decay) moves the same bytes with one multiply moved elsewhere, so this stands
 * for both. Parameters drift across invocations but stay finite (each step is at most about lr).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AdamWBenchmark {

    static final long BYTES_PER_ELEMENT = 28;

    /** Parameters, gradients and both moment buffers. */
    @State(Scope.Benchmark)
    public static class Optimizer {
        @Param({"65536", "4194304"})
        public int size;

        final Kernels nativeKernels = Kernels.defaultKernels();
        final Kernels javaKernels = new JavaKernels();
        Arena arena;
        MemorySegment params;
        MemorySegment grads;
        MemorySegment m;
        MemorySegment v;

        @Setup
        public void allocate() {
            arena = Arena.ofShared();
            params = RandomFloats.gaussian(arena, size, 1, 1);
            grads = RandomFloats.gaussian(arena, size, 2, 1);
            m = arena.allocate((long) size * Float.BYTES, 64);
            v = arena.allocate((long) size * Float.BYTES, 64);
        }

        @TearDown
        public void free() {
            arena.close();
        }

        void step(Kernels kernels) {
            kernels.adam(params, grads, m, v, size, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 10);
        }
    }

    @Benchmark
    public void nativeKernel(Optimizer optimizer, BytesMoved moved) {
        optimizer.step(optimizer.nativeKernels);
        moved.add(BYTES_PER_ELEMENT * optimizer.size);
    }

    @Benchmark
    public void javaKernel(Optimizer optimizer, BytesMoved moved) {
        optimizer.step(optimizer.javaKernels);
        moved.add(BYTES_PER_ELEMENT * optimizer.size);
    }
}
