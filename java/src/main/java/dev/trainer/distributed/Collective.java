package dev.trainer.distributed;

import java.lang.foreign.MemorySegment;

/**
 * The ranks of a data-parallel job and the few collective operations its training loop needs:
 * every rank holds the same flat parameter buffer, computes gradients on its own shard of each
 * batch, and sums the flat gradient buffer across ranks once per step.
 *
 * <p>Every rank must make the same calls in the same order with the same counts; a rank that
 * skips one leaves the others waiting in it. Buffers are changed in place, and a call returns on
 * a rank once that rank's result is complete. Implementations are not thread-safe: one thread at
 * a time may call them.
 *
 * <p>Failures: a collective that fails throws {@link CollectiveException}. A rank that cannot go
 * on calls {@link #abort} (through {@link JobFailure}), which ends every rank of the job, so that
 * no rank is left waiting in a collective for a peer that will never come.
 */
public interface Collective extends AutoCloseable {

    /** This process's rank, in {@code [0, size())}; rank 0 writes the job's outputs. */
    int rank();

    /** The number of ranks in the job; 1 for a single process. */
    int size();

    /** What the ranks run over, for logs and provenance: e.g. "Open MPI v4.1.4, 2 ranks". */
    String description();

    /**
     * Replaces the first {@code count} floats of {@code floats} with their sum over all ranks.
     *
     * @param floats native memory holding at least {@code count} float32 values
     * @throws IllegalArgumentException for a negative count, a segment shorter than the count or a
     *                                  heap segment; before anything is sent
     */
    void allReduceSum(MemorySegment floats, long count);

    /** Replaces each value with its sum over all ranks: loss sums, sample weights, metric counts. */
    void allReduceSum(double[] values);

    /**
     * Overwrites the first {@code count} floats of {@code floats} on every rank with rank 0's:
     * the initial parameters, so that every rank starts from the same point.
     *
     * @throws IllegalArgumentException as {@link #allReduceSum(MemorySegment, long)}
     */
    void broadcast(MemorySegment floats, long count);

    /** Returns once every rank has called it. */
    void barrier();

    /**
     * Ends every rank of the job with {@code exitCode}. Where there are other ranks it does not
     * return: MPI's runtime terminates all processes, this one included. A single process has
     * no other rank to end, so it returns and its caller exits as it would anyway.
     */
    void abort(int exitCode);

    /** Leaves the job (MPI_Finalize); every rank must close, after its last collective. */
    @Override
    void close();
}
