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
 * How fast is the L2 penalty with its gradient, native against Java, over {@code size} parameters?
 *
 * <p>Bytes per parameter: 12 (read parameter and gradient, write gradient). The gradients grow
 * by lambda * p per invocation, which stays small over a run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class L2PenaltyBenchmark {

    static final long BYTES_PER_ELEMENT = 12;

    /** Parameters and their gradients. */
    @State(Scope.Benchmark)
    public static class Regularized {
        @Param({"65536", "4194304"})
        public int size;

        final Kernels nativeKernels = Kernels.defaultKernels();
        final Kernels javaKernels = new JavaKernels();
        Arena arena;
        MemorySegment params;
        MemorySegment grads;

        @Setup
        public void allocate() {
            arena = Arena.ofShared();
            params = RandomFloats.gaussian(arena, size, 1, 1);
            grads = RandomFloats.gaussian(arena, size, 2, 1);
        }

        @TearDown
        public void free() {
            arena.close();
        }

        double run(Kernels kernels) {
            return kernels.l2Penalty(params, grads, size, 1e-6f);
        }
    }

    @Benchmark
    public void nativeKernel(Regularized regularized, BytesMoved moved, Blackhole blackhole) {
        blackhole.consume(regularized.run(regularized.nativeKernels));
        moved.add(BYTES_PER_ELEMENT * regularized.size);
    }

    @Benchmark
    public void javaKernel(Regularized regularized, BytesMoved moved, Blackhole blackhole) {
        blackhole.consume(regularized.run(regularized.javaKernels));
        moved.add(BYTES_PER_ELEMENT * regularized.size);
    }
}
