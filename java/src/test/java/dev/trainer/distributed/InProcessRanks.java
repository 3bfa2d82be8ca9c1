package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A job of N ranks inside one JVM, one thread per rank, for testing code written against
 * {@link Collective} without a launcher. Sums are taken in rank order on every rank, so every
 * rank gets the same bits, as MPI guarantees.
 */
public final class InProcessRanks {

    private final int size;
    private final CyclicBarrier barrier;
    private final float[][] floatContributions;
    private final double[][] doubleContributions;

    private InProcessRanks(int size) {
        this.size = size;
        this.barrier = new CyclicBarrier(size);
        this.floatContributions = new float[size][];
        this.doubleContributions = new double[size][];
    }

    /** What one rank does with its collective. */
    @FunctionalInterface
    public interface RankWork<T> {
        T run(Collective collective) throws Exception;
    }

    /** Runs {@code work} as ranks 0..size-1, each on its own thread, and returns their results by rank. */
    public static <T> List<T> run(int size, RankWork<T> work) throws InterruptedException, ExecutionException,
            TimeoutException {
        InProcessRanks job = new InProcessRanks(size);
        ExecutorService threads = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                int rank = r;
                futures.add(threads.submit(() -> {
                    try (Collective c = job.new Rank(rank)) {
                        return work.run(c);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private void await() {
        try {
            barrier.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("a rank did not reach the collective", e);
        }
    }

    private final class Rank implements Collective {
        private final int rank;

        Rank(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public String description() {
            return size + " threads";
        }

        @Override
        public void allReduceSum(MemorySegment floats, long count) {
            CollectiveArguments.checkFloats(floats, count);
            floatContributions[rank] = floats.asSlice(0, count * Float.BYTES).toArray(JAVA_FLOAT);
            await();
            for (int i = 0; i < count; i++) {
                float sum = 0;
                for (float[] contribution : floatContributions) {
                    sum += contribution[i];
                }
                floats.setAtIndex(JAVA_FLOAT, i, sum);
            }
            await();
        }

        @Override
        public void allReduceSum(double[] values) {
            doubleContributions[rank] = values.clone();
            await();
            for (int i = 0; i < values.length; i++) {
                double sum = 0;
                for (double[] contribution : doubleContributions) {
                    sum += contribution[i];
                }
                values[i] = sum;
            }
            await();
        }

        @Override
        public void broadcast(MemorySegment floats, long count) {
            CollectiveArguments.checkFloats(floats, count);
            if (rank == 0) {
                floatContributions[0] = floats.asSlice(0, count * Float.BYTES).toArray(JAVA_FLOAT);
            }
            await();
            MemorySegment.copy(floatContributions[0], 0, floats, JAVA_FLOAT, 0, (int) count);
            await();
        }

        @Override
        public void barrier() {
            await();
        }

        @Override
        public void abort(int exitCode) {
            barrier.reset();
            throw new IllegalStateException("rank " + rank + " aborted the job with exit code " + exitCode);
        }

        @Override
        public void close() {
        }
    }
}
