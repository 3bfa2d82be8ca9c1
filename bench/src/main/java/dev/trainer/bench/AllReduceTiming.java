package dev.trainer.bench;

import dev.trainer.config.DistributedMode;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.Collectives;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;

/**
 * How long does one all-reduce of the flat gradient buffer take, against the buffer's size? Run
 * under an MPI launcher, one process per rank:
 *
 * <pre>mpirun -np 2 java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar dev.trainer.bench.AllReduceTiming</pre>
 *
 * <p>Not a JMH benchmark: JMH times each process on its own clock and stops its iterations when
 * its time is up, so ranks would stop after different call counts and leave one waiting in an
 * all-reduce forever. Here every rank makes the same calls: for each size, warm-up calls, then
 * rounds of a fixed number of calls between barriers; rank 0 prints the median round's time per
 * call. Beside it, rank 0 times a {@link MemorySegment#copy} of the same buffer, the machine's
 * own memory speed in the same moment, since on a shared machine only that ratio is stable.
 *
 * <p>"bus GB/s" is {@code 2 (N-1)/N · bytes / time}, the data a ring all-reduce moves through each
 * rank's link: it stays about constant as ranks are added, so a step's all-reduce on N ranks is
 * predicted by {@code 2 (N-1)/N · bytes / busBandwidth} plus a latency per rank. Wrong if the ranks
 * do not all run the same sizes, or if another job's traffic shares the link.
 */
public final class AllReduceTiming {

    /** 4 KB to 100 MB; 90.9 MB is all-MiniLM-L6-v2's flat buffer (22.7 M float32 parameters). */
    private static final long[] DEFAULT_BYTES = {4L << 10, 64L << 10, 1L << 20, 8L << 20, 32L << 20, 90_900_000L, 100_000_000L};
    private static final int ROUNDS = 5;
    /** Each round moves about this many bytes, so small buffers get enough calls to time. */
    private static final long BYTES_PER_ROUND = 256L << 20;

    private AllReduceTiming() {
    }

    public static void main(String[] args) {
        long[] sizes = args.length == 0 ? DEFAULT_BYTES : Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        try (Collective c = Collectives.open(DistributedMode.MPI, System.getenv()); Arena arena = Arena.ofShared()) {
            if (c.rank() == 0) {
                System.out.println("all-reduce (sum, float32, in place) over " + c.description());
                System.out.println("| buffer | calls/round | ms per all-reduce | bus GB/s | ms per memcpy | all-reduce / memcpy |");
                System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
            }
            for (long bytes : sizes) {
                MemorySegment buffer = arena.allocate(bytes, 64);
                MemorySegment copy = arena.allocate(bytes, 64);
                long count = bytes / Float.BYTES;
                // zeros: repeated sums of anything else overflow; a float add takes as long on zero
                int calls = (int) Math.max(1, Math.min(2000, BYTES_PER_ROUND / bytes));
                double allReduceMs = medianMs(c, calls, () -> c.allReduceSum(buffer, count));
                double copyMs = medianMs(c, calls, () -> MemorySegment.copy(buffer, 0, copy, 0, bytes));
                if (c.rank() == 0) {
                    double busGbPerS = 2.0 * (c.size() - 1) / c.size() * bytes / (allReduceMs / 1e3) / 1e9;
                    System.out.println(String.format(Locale.ROOT, "| %s | %d | %.4f | %.2f | %.4f | %.1f |",
                            label(bytes), calls, allReduceMs, busGbPerS, copyMs, allReduceMs / copyMs));
                }
            }
        }
    }

    /** The median over rounds of the time per call; rounds start together on every rank. */
    private static double medianMs(Collective c, int calls, Runnable call) {
        for (int i = 0; i < Math.min(calls, 3); i++) {
            call.run();
        }
        double[] perCall = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            c.barrier();
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            perCall[round] = (System.nanoTime() - start) / 1e6 / calls;
        }
        Arrays.sort(perCall);
        return perCall[ROUNDS / 2];
    }

    private static String label(long bytes) {
        if (bytes >= 1_000_000 && bytes % (1 << 20) != 0) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }
}
