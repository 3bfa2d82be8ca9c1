package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;

/**
 * The part of NCCL's C API that trainer calls, bound through FFM from {@code libnccl.so.2}: each
 * method is one C function and returns its {@code ncclResult_t}. The constants are nccl.h's; the
 * library stays loaded for the rest of the process (global arena).
 */
final class NcclLibrary {

    /** Environment variable naming the libnccl to load, for installations outside the loader's path. */
    static final String LIBRARY_VARIABLE = "TRAINER_NCCL_LIBRARY";

    /** NCCL 2 ships {@code libnccl.so.2}; the unversioned name comes with the development package. */
    static final List<String> DEFAULT_NAMES = List.of("libnccl.so.2", "libnccl.so");

    /** {@code NCCL_UNIQUE_ID_BYTES}: the id is {@code struct { char internal[128]; }}, passed by value. */
    static final int UNIQUE_ID_BYTES = 128;

    static final StructLayout UNIQUE_ID = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, JAVA_BYTE).withName("internal"));

    /** {@code ncclResult_t}: ncclSuccess. */
    static final int SUCCESS = 0;

    /** {@code ncclDataType_t}: ncclFloat32 (= ncclFloat). */
    static final int FLOAT32 = 7;

    /** {@code ncclRedOp_t}: ncclSum. */
    static final int SUM = 0;

    /** What to install, the same for every way loading can fail. */
    private static final String INSTALL = "install NCCL 2 (pip install nvidia-nccl-cu13, which PyTorch's CUDA 13"
            + " wheels bring, or NVIDIA's libnccl2 package) or set " + LIBRARY_VARIABLE + " to its libnccl.so.2";

    private final String path;
    private final MethodHandle getVersion;
    private final MethodHandle getUniqueId;
    private final MethodHandle commInitRank;
    private final MethodHandle allReduce;
    private final MethodHandle broadcast;
    private final MethodHandle commDestroy;
    private final MethodHandle commAbort;
    private final MethodHandle errorString;

    private NcclLibrary(String path, SymbolLookup symbols) {
        this.path = path;
        getVersion = bind(symbols, "ncclGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getUniqueId = bind(symbols, "ncclGetUniqueId", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commInitRank = bind(symbols, "ncclCommInitRank", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID,
                JAVA_INT));
        allReduce = bind(symbols, "ncclAllReduce", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS));
        broadcast = bind(symbols, "ncclBroadcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS));
        commDestroy = bind(symbols, "ncclCommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commAbort = bind(symbols, "ncclCommAbort", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = bind(symbols, "ncclGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /**
     * Loads libnccl: the file {@value #LIBRARY_VARIABLE} names, else the first of
     * {@link #DEFAULT_NAMES} the dynamic loader finds.
     *
     * @throws CollectiveException in one line, saying what to install, when none loads or the
     *                             library found is not NCCL
     */
    static NcclLibrary load(Map<String, String> environment) {
        return load(CollectiveLibrary.candidates(environment, LIBRARY_VARIABLE, DEFAULT_NAMES));
    }

    static NcclLibrary load(List<String> candidates) {
        CollectiveLibrary found = CollectiveLibrary.first(candidates, "ncclCommInitRank",
                name -> name + " is not NCCL (it has no ncclCommInitRank): " + INSTALL,
                tried -> "cannot load NCCL for --device cuda in a job of several ranks (tried " + tried + "): " + INSTALL);
        return new NcclLibrary(found.name(), found.symbols());
    }

    private static MethodHandle bind(SymbolLookup symbols, String name, FunctionDescriptor descriptor) {
        try {
            return Downcalls.bind(symbols, "libnccl", name, descriptor);
        } catch (IllegalStateException e) {
            throw new CollectiveException(e.getMessage() + ": trainer needs NCCL 2");
        }
    }

    /** The file or name the library was loaded from. */
    String path() {
        return path;
    }

    /** {@code ncclGetVersion(int*)}: e.g. 22703 for 2.27.3. */
    int getVersion(MemorySegment version) {
        return call(getVersion, version);
    }

    /** {@code ncclGetUniqueId(ncclUniqueId*)} into a segment of {@link #UNIQUE_ID_BYTES}. */
    int getUniqueId(MemorySegment id) {
        return call(getUniqueId, id);
    }

    /** {@code ncclCommInitRank(ncclComm_t*, nranks, id, rank)}, the id by value; the current CUDA device joins. */
    int commInitRank(MemorySegment comm, int ranks, MemorySegment id, int rank) {
        return call(commInitRank, comm, ranks, id, rank);
    }

    /** {@code ncclAllReduce(buffer, buffer, count, ncclFloat32, ncclSum, comm, stream)}: in place, queued on the stream. */
    int allReduceSumInPlace(MemorySegment buffer, long count, MemorySegment comm, MemorySegment stream) {
        return call(allReduce, buffer, buffer, count, FLOAT32, SUM, comm, stream);
    }

    /** {@code ncclBroadcast(buffer, buffer, count, ncclFloat32, root, comm, stream)}: in place, queued on the stream. */
    int broadcastInPlace(MemorySegment buffer, long count, int root, MemorySegment comm, MemorySegment stream) {
        return call(broadcast, buffer, buffer, count, FLOAT32, root, comm, stream);
    }

    int commDestroy(MemorySegment comm) {
        return call(commDestroy, comm);
    }

    int commAbort(MemorySegment comm) {
        return call(commAbort, comm);
    }

    /** NCCL's text for a result code. */
    String errorString(int code) {
        try {
            MemorySegment text = (MemorySegment) errorString.invokeExact(code);
            return text.equals(MemorySegment.NULL) ? "NCCL error " + code : text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Calls a C function that returns an {@code ncclResult_t}; boxing costs nothing beside a collective. */
    private static int call(MethodHandle function, Object... arguments) {
        try {
            return (int) function.invokeWithArguments(arguments);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
