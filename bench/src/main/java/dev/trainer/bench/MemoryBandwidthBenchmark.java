package dev.trainer.bench;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

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
 * What bandwidth can one thread get at all, on buffers of the kernels' sizes? STREAM's copy
 * ({@code a = b}, 8 bytes per float, via {@link MemorySegment#copy}) and triad
 * ({@code a = b + s * c}, 12 bytes per float, a plain loop) over off-heap floats. A kernel's
 * bytes per second divided by these is the fraction of the machine's bandwidth it reaches.
 *
 * <p>At 2^16 floats (256 KiB a buffer) the buffers sit in L2 and this measures cache bandwidth;
 * at 2^22 (16 MiB a buffer) they overflow L2, and reach DRAM only where L3 is smaller than the
 * kernel's buffers together (the 2-core EPYC development VM has 32 MiB of L3, so copy there is
 * partly served by L3). Single-threaded, as the kernels are.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MemoryBandwidthBenchmark {

    static final long COPY_BYTES_PER_ELEMENT = 8;
    static final long TRIAD_BYTES_PER_ELEMENT = 12;

    /** STREAM's three arrays. */
    @State(Scope.Benchmark)
    public static class Streams {
        @Param({"65536", "4194304"})
        public int size;

        Arena arena;
        MemorySegment a;
        MemorySegment b;
        MemorySegment c;

        @Setup
        public void allocate() {
            arena = Arena.ofShared();
            a = arena.allocate((long) size * Float.BYTES, 64);
            b = RandomFloats.gaussian(arena, size, 1, 1);
            c = RandomFloats.gaussian(arena, size, 2, 1);
        }

        @TearDown
        public void free() {
            arena.close();
        }
    }

    @Benchmark
    public void copy(Streams streams, BytesMoved moved) {
        MemorySegment.copy(streams.b, 0, streams.a, 0, (long) streams.size * Float.BYTES);
        moved.add(COPY_BYTES_PER_ELEMENT * streams.size);
    }

    @Benchmark
    public void triad(Streams streams, BytesMoved moved) {
        MemorySegment a = streams.a;
        MemorySegment b = streams.b;
        MemorySegment c = streams.c;
        for (long i = 0; i < streams.size; i++) {
            a.setAtIndex(JAVA_FLOAT, i, b.getAtIndex(JAVA_FLOAT, i) + 3f * c.getAtIndex(JAVA_FLOAT, i));
        }
        moved.add(TRIAD_BYTES_PER_ELEMENT * streams.size);
    }
}
