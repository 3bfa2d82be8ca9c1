package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The part of Open MPI's C API that trainer calls, bound through FFM: each method is one C
 * function and returns its error code. No Java MPI bindings are involved.
 *
 * <p>Open MPI's predefined handles ({@code MPI_COMM_WORLD}, {@code MPI_FLOAT}, {@code MPI_SUM},
 * ...) are macros that take the address of an exported global ({@code ompi_mpi_comm_world}, ...),
 * so the handle is that symbol's address. MPICH and its derivatives define handles as integers
 * instead; their {@code libmpi} is refused with a message rather than bound wrongly. The library
 * stays loaded for the rest of the process (global arena): MPI cannot be initialized twice anyway.
 */
final class MpiLibrary {

    /** Environment variable naming the libmpi to load, for installations outside the loader's path. */
    static final String LIBRARY_VARIABLE = "TRAINER_MPI_LIBRARY";

    /** Open MPI 3, 4 and 5 all ship {@code libmpi.so.40}; the unversioned name comes with the -dev package. */
    static final List<String> DEFAULT_NAMES = List.of("libmpi.so.40", "libmpi.so");

    /** {@code MPI_IN_PLACE} is {@code ((void *) 1)} in Open MPI's mpi.h. */
    static final MemorySegment IN_PLACE = MemorySegment.ofAddress(1);

    /** mpi.h's thread levels are an enum: SINGLE 0, FUNNELED 1, SERIALIZED 2, MULTIPLE 3. */
    static final int THREAD_SERIALIZED = 2;

    static final int SUCCESS = 0;

    /** {@code MPI_MAX_ERROR_STRING} and {@code MPI_MAX_LIBRARY_VERSION_STRING} in Open MPI's mpi.h. */
    static final int MAX_STRING = 256;

    private static final Linker LINKER = Linker.nativeLinker();

    private final String path;
    final MemorySegment commWorld;
    final MemorySegment floatType;
    final MemorySegment doubleType;
    final MemorySegment sum;
    final MemorySegment errorsReturn;
    private final MethodHandle initThread;
    private final MethodHandle commRank;
    private final MethodHandle commSize;
    private final MethodHandle commSetErrhandler;
    private final MethodHandle allreduce;
    private final MethodHandle bcast;
    private final MethodHandle barrier;
    private final MethodHandle finalizeCall;
    private final MethodHandle abort;
    private final MethodHandle errorString;
    private final MethodHandle libraryVersion;

    private MpiLibrary(String path, SymbolLookup symbols) {
        this.path = path;
        commWorld = symbol(symbols, "ompi_mpi_comm_world");
        floatType = symbol(symbols, "ompi_mpi_float");
        doubleType = symbol(symbols, "ompi_mpi_double");
        sum = symbol(symbols, "ompi_mpi_op_sum");
        errorsReturn = symbol(symbols, "ompi_mpi_errors_return");
        initThread = function(symbols, "MPI_Init_thread", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        commRank = function(symbols, "MPI_Comm_rank", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        commSize = function(symbols, "MPI_Comm_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        commSetErrhandler = function(symbols, "MPI_Comm_set_errhandler", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        allreduce = function(symbols, "MPI_Allreduce",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        bcast = function(symbols, "MPI_Bcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        barrier = function(symbols, "MPI_Barrier", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        finalizeCall = function(symbols, "MPI_Finalize", FunctionDescriptor.of(JAVA_INT));
        abort = function(symbols, "MPI_Abort", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        errorString = function(symbols, "MPI_Error_string", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        libraryVersion = function(symbols, "MPI_Get_library_version", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    /**
     * Loads libmpi: the file {@value #LIBRARY_VARIABLE} names, else the first of
     * {@link #DEFAULT_NAMES} the dynamic loader finds.
     *
     * @throws CollectiveException in one line, saying what to install, when none loads; or when
     *                             the library found is not Open MPI's
     */
    static MpiLibrary load(Map<String, String> environment) {
        return load(CollectiveLibrary.candidates(environment, LIBRARY_VARIABLE, DEFAULT_NAMES));
    }

    static MpiLibrary load(List<String> candidates) {
        CollectiveLibrary found = CollectiveLibrary.first(candidates, "ompi_mpi_comm_world",
                name -> name + " is not Open MPI's libmpi (it has no ompi_mpi_comm_world): trainer's MPI support needs"
                        + " Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev)",
                tried -> "cannot load Open MPI (tried " + tried + "): install it (Debian/Ubuntu: apt-get install"
                        + " openmpi-bin libopenmpi-dev) or set " + LIBRARY_VARIABLE + " to its libmpi.so");
        return new MpiLibrary(found.name(), found.symbols());
    }

    /**
     * Keeps UCX, which Open MPI may use for InfiniBand, from replacing the JVM's signal handlers:
     * by default UCX installs its own for SIGSEGV and SIGBUS, which the JVM raises on purpose
     * (implicit null checks, safepoint polls) and must handle itself. Open MPI's own handlers
     * already step aside when others are installed. Sets {@code UCX_ERROR_SIGNALS} to empty in the
     * C environment that MPI_Init reads, unless the user set it; must run before MPI_Init.
     */
    static void keepJvmSignalHandlers() {
        MethodHandle setenv = LINKER.downcallHandle(LINKER.defaultLookup().find("setenv").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            if (call(setenv, arena.allocateFrom("UCX_ERROR_SIGNALS"), arena.allocateFrom(""), 0) != 0) {
                throw new CollectiveException("cannot set UCX_ERROR_SIGNALS for MPI");
            }
        }
    }

    /** The file or name the library was loaded from. */
    String path() {
        return path;
    }

    private static MemorySegment symbol(SymbolLookup symbols, String name) {
        return symbols.find(name).orElseThrow(() -> new CollectiveException(
                "libmpi lacks " + name + ": trainer's MPI support needs Open MPI 3 or later"));
    }

    private static MethodHandle function(SymbolLookup symbols, String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(symbols, name), descriptor);
    }

    int initThread(int required, MemorySegment provided) {
        return call(initThread, MemorySegment.NULL, MemorySegment.NULL, required, provided);
    }

    int commRank(MemorySegment rank) {
        return call(commRank, commWorld, rank);
    }

    int commSize(MemorySegment size) {
        return call(commSize, commWorld, size);
    }

    /** Makes errors on MPI_COMM_WORLD return codes instead of aborting inside MPI. */
    int returnErrors() {
        return call(commSetErrhandler, commWorld, errorsReturn);
    }

    /** {@code MPI_Allreduce(MPI_IN_PLACE, buffer, count, type, MPI_SUM, MPI_COMM_WORLD)}. */
    int allreduceSumInPlace(MemorySegment buffer, int count, MemorySegment type) {
        return call(allreduce, IN_PLACE, buffer, count, type, sum, commWorld);
    }

    /** {@code MPI_Bcast(buffer, count, type, root, MPI_COMM_WORLD)}. */
    int bcast(MemorySegment buffer, int count, MemorySegment type, int root) {
        return call(bcast, buffer, count, type, root, commWorld);
    }

    int barrier() {
        return call(barrier, commWorld);
    }

    int finalizeMpi() {
        return call(finalizeCall);
    }

    /** {@code MPI_Abort(MPI_COMM_WORLD, code)}: the runtime ends every rank; in practice it does not return. */
    int abort(int code) {
        return call(abort, commWorld, code);
    }

    /** MPI's text for an error code. */
    String errorString(int code) {
        String text = text(errorString, code);
        return text != null ? text : "MPI error " + code;
    }

    /** The library's own version line, e.g. "Open MPI v4.1.4, package: Debian OpenMPI, ...". */
    String libraryVersion() {
        String text = text(libraryVersion);
        return text != null ? text.strip() : "unknown MPI";
    }

    /** Calls {@code f(leading..., char *text, int *length)}; the text, or null when f fails. */
    private static String text(MethodHandle function, Object... leading) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(MAX_STRING + 1);
            Object[] arguments = Arrays.copyOf(leading, leading.length + 2);
            arguments[leading.length] = text;
            arguments[leading.length + 1] = arena.allocate(JAVA_INT);
            return call(function, arguments) == SUCCESS ? text.getString(0) : null;
        }
    }

    /**
     * Calls a C function that returns an MPI error code. Boxing its arguments costs nanoseconds,
     * nothing beside a collective; downcalls throw only unchecked exceptions, passed on unchanged.
     */
    private static int call(MethodHandle function, Object... arguments) {
        try {
            return (int) function.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("MPI call failed", t);
        }
    }
}
