package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ranks of a job started by an MPI launcher ({@code mpirun}, {@code srun --mpi=pmix}), joined
 * through Open MPI's C library ({@link MpiLibrary}) over {@code MPI_COMM_WORLD}.
 *
 * <p>Errors on the communicator are set to return rather than abort inside MPI, so a failed call
 * throws {@link CollectiveException} with MPI's text; the caller then ends the job with one
 * message through {@link JobFailure}. A peer that dies is noticed by the launcher, which ends the
 * remaining ranks itself.
 *
 * <p>MPI can be initialized once per process: open one {@code MpiCollective} per process and keep
 * it for the whole run. It was initialized at {@code MPI_THREAD_SERIALIZED}: calls may come from
 * any thread, one at a time.
 */
public final class MpiCollective implements Collective {

    /** MPI counts are C ints: a larger buffer goes in chunks of at most this many elements. */
    static final int MAX_CHUNK = Integer.MAX_VALUE;

    private static final AtomicBoolean OPENED = new AtomicBoolean();

    private final MpiLibrary mpi;
    private final int rank;
    private final int size;
    private final int maxChunk;
    private final String description;
    private boolean closed;

    private MpiCollective(MpiLibrary mpi, int rank, int size, int maxChunk) {
        this.mpi = mpi;
        this.rank = rank;
        this.size = size;
        this.maxChunk = maxChunk;
        String version = mpi.libraryVersion();
        int comma = version.indexOf(',');
        this.description = (comma < 0 ? version : version.substring(0, comma)) + ", " + size + (size == 1 ? " rank" : " ranks");
    }

    /**
     * Loads Open MPI, initializes MPI and joins the job the launcher started (a job of one rank
     * when started without a launcher).
     *
     * @throws CollectiveException in one line when Open MPI is not installed, MPI was already
     *                             initialized in this process, or it cannot be initialized
     */
    public static MpiCollective open(Map<String, String> environment) {
        return open(MpiLibrary.load(environment), MAX_CHUNK);
    }

    static MpiCollective open(MpiLibrary mpi, int maxChunk) {
        if (!OPENED.compareAndSet(false, true)) {
            throw new CollectiveException("MPI was already initialized in this process; it can be only once, so a"
                    + " process takes part in one data-parallel run");
        }
        MpiLibrary.keepJvmSignalHandlers();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check(mpi, mpi.initThread(MpiLibrary.THREAD_SERIALIZED, out), "MPI_Init_thread");
            int provided = out.get(JAVA_INT, 0);
            if (provided < MpiLibrary.THREAD_SERIALIZED) {
                mpi.finalizeMpi();
                throw new CollectiveException("MPI_Init_thread: " + mpi.path()
                        + " was built without MPI_THREAD_SERIALIZED support, which the JVM's threads need");
            }
            check(mpi, mpi.returnErrors(), "MPI_Comm_set_errhandler");
            check(mpi, mpi.commRank(out), "MPI_Comm_rank");
            int rank = out.get(JAVA_INT, 0);
            check(mpi, mpi.commSize(out), "MPI_Comm_size");
            return new MpiCollective(mpi, rank, out.get(JAVA_INT, 0), maxChunk);
        }
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
        return description;
    }

    @Override
    public void allReduceSum(MemorySegment floats, long count) {
        inChunks(floats, count, "MPI_Allreduce", (chunk, n) -> mpi.allreduceSumInPlace(chunk, n, mpi.floatType));
    }

    @Override
    public void allReduceSum(double[] values) {
        requireOpen();
        if (values.length == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocateFrom(JAVA_DOUBLE, values);
            check(mpi, mpi.allreduceSumInPlace(buffer, values.length, mpi.doubleType), "MPI_Allreduce");
            MemorySegment.copy(buffer, JAVA_DOUBLE, 0, values, 0, values.length);
        }
    }

    @Override
    public void broadcast(MemorySegment floats, long count) {
        inChunks(floats, count, "MPI_Bcast", (chunk, n) -> mpi.bcast(chunk, n, mpi.floatType, 0));
    }

    /** One MPI call on up to {@link #maxChunk} floats, returning MPI's error code. */
    @FunctionalInterface
    private interface ChunkCall {
        int apply(MemorySegment chunk, int count);
    }

    /** Runs {@code call} over consecutive chunks of the buffer: MPI counts are C ints. */
    private void inChunks(MemorySegment floats, long count, String name, ChunkCall call) {
        requireOpen();
        CollectiveArguments.checkFloats(floats, count);
        for (long start = 0; start < count; start += maxChunk) {
            int n = (int) Math.min(maxChunk, count - start);
            check(mpi, call.apply(floats.asSlice(start * Float.BYTES, (long) n * Float.BYTES), n), name);
        }
    }

    @Override
    public void barrier() {
        requireOpen();
        check(mpi, mpi.barrier(), "MPI_Barrier");
    }

    /**
     * MPI_Abort on MPI_COMM_WORLD. Should MPI return from it, which the standard does not
     * foresee, the process halts with the code all the same: the contract is that no rank goes on.
     */
    @Override
    public void abort(int exitCode) {
        mpi.abort(exitCode);
        Runtime.getRuntime().halt(exitCode);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            check(mpi, mpi.finalizeMpi(), "MPI_Finalize");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the MPI collective is closed (MPI_Finalize ran)");
        }
    }

    private static void check(MpiLibrary mpi, int code, String call) {
        if (code != MpiLibrary.SUCCESS) {
            throw new CollectiveException(call + " failed: " + mpi.errorString(code));
        }
    }
}
