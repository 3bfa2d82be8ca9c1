package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.trainer.cuda.CudaStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The ranks of a data-parallel job on GPUs: the flat float buffers (gradients, initial parameters)
 * are device memory, summed and broadcast by NCCL ({@link NcclLibrary}) on the CUDA stream the
 * step's graphs and kernels run on, so a reduction is queued between the backward pass and the
 * optimizer without the host waiting. Everything else goes through the bootstrap collective the
 * launcher's ranks already share (MPI): the few host statistics, the barrier, the abort, and,
 * once, rank 0's NCCL unique id.
 *
 * <p>Closing destroys the NCCL communicator only; the bootstrap stays open for its owner to close.
 * Written for the GPU machine; it has not run on a GPU yet.
 */
public final class NcclCollective implements Collective {

    private final NcclLibrary nccl;
    private final Collective bootstrap;
    /** The {@code cudaStream_t} the collectives are queued on. */
    private final MemorySegment stream;
    /** Waits until the stream has run everything queued on it. */
    private final Runnable drain;
    private final MemorySegment comm;
    private final String description;
    private boolean closed;

    private NcclCollective(NcclLibrary nccl, Collective bootstrap, MemorySegment stream, Runnable drain,
                           MemorySegment comm, int version) {
        this.nccl = nccl;
        this.bootstrap = bootstrap;
        this.stream = stream;
        this.drain = drain;
        this.comm = comm;
        this.description = "NCCL " + versionText(version) + " over " + bootstrap.description();
    }

    /**
     * Loads NCCL and builds a communicator of the bootstrap's ranks on the current CUDA device
     * (the placement's): rank 0 draws the unique id, the bootstrap broadcasts it, every rank joins.
     * Every rank must call it together.
     *
     * @throws CollectiveException in one line when NCCL is not installed or the communicator
     *                             cannot be built (two ranks on one GPU, for one)
     */
    public static NcclCollective open(Collective bootstrap, CudaStream stream, Map<String, String> environment) {
        return open(NcclLibrary.load(environment), bootstrap, MemorySegment.ofAddress(stream.handle()), stream::synchronize);
    }

    /** As {@link #open(Collective, CudaStream, Map)} on a loaded library and a {@code cudaStream_t}. */
    static NcclCollective open(NcclLibrary nccl, Collective bootstrap, MemorySegment stream, Runnable drain) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check(nccl, nccl.getVersion(version), "ncclGetVersion");
            MemorySegment id = arena.allocate(NcclLibrary.UNIQUE_ID);
            if (bootstrap.rank() == 0) {
                check(nccl, nccl.getUniqueId(id), "ncclGetUniqueId");
            }
            // the id's bytes travel as floats: the bootstrap copies them bit for bit
            bootstrap.broadcast(id, NcclLibrary.UNIQUE_ID_BYTES / Float.BYTES);
            MemorySegment handle = arena.allocate(ADDRESS);
            check(nccl, nccl.commInitRank(handle, bootstrap.size(), id, bootstrap.rank()), "ncclCommInitRank");
            return new NcclCollective(nccl, bootstrap, stream, drain, handle.get(ADDRESS, 0), version.get(JAVA_INT, 0));
        }
    }

    /** NCCL's version code as text: 2.8.x and earlier are X*1000+Y*100+Z, later X*10000+Y*100+Z. */
    static String versionText(int code) {
        int major = code >= 10000 ? code / 10000 : code / 1000;
        int minor = code >= 10000 ? code / 100 % 100 : code / 100 % 10;
        return major + "." + minor + "." + code % 100;
    }

    @Override
    public int rank() {
        return bootstrap.rank();
    }

    @Override
    public int size() {
        return bootstrap.size();
    }

    @Override
    public String description() {
        return description;
    }

    /** Queues the sum on the stream: {@code floats} is device memory, summed once the stream reaches it. */
    @Override
    public void allReduceSum(MemorySegment floats, long count) {
        requireOpen();
        CollectiveArguments.checkFloats(floats, count);
        check(nccl, nccl.allReduceSumInPlace(floats, count, comm, stream), "ncclAllReduce");
    }

    /** Host values: through the bootstrap. */
    @Override
    public void allReduceSum(double[] values) {
        requireOpen();
        bootstrap.allReduceSum(values);
    }

    /** Queues rank 0's values into every rank's {@code floats}, device memory, on the stream. */
    @Override
    public void broadcast(MemorySegment floats, long count) {
        requireOpen();
        CollectiveArguments.checkFloats(floats, count);
        check(nccl, nccl.broadcastInPlace(floats, count, 0, comm, stream), "ncclBroadcast");
    }

    @Override
    public void barrier() {
        requireOpen();
        bootstrap.barrier();
    }

    /** Aborts the communicator's device work first, so that no kernel waits on a peer, then ends the job. */
    @Override
    public void abort(int exitCode) {
        if (!closed) {
            closed = true;
            nccl.commAbort(comm);
        }
        bootstrap.abort(exitCode);
    }

    /** Waits for the stream's queued collectives, then destroys the communicator; the bootstrap stays open. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            drain.run();
            check(nccl, nccl.commDestroy(comm), "ncclCommDestroy");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the NCCL collective is closed (its communicator was destroyed)");
        }
    }

    private static void check(NcclLibrary nccl, int code, String call) {
        if (code != NcclLibrary.SUCCESS) {
            throw new CollectiveException(call + " failed: " + nccl.errorString(code) + " (" + nccl.path() + ")");
        }
    }
}
