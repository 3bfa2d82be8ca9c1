package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * {@code OrtSessionOptions}: how sessions are built. Values handed over as external initializers
 * are referenced, not copied, so they (and their memory) must outlive every session made with
 * these options; the options themselves may be closed once the sessions exist.
 */
public final class NativeSessionOptions extends OrtHandle {

    /** ORT_ENABLE_ALL, ORT Java's {@code OptLevel.ALL_OPT}. */
    public static final int OPTIMIZE_ALL = 99;

    private static final class Calls {
        static final OrtApi API = OrtApi.get();
        static final MethodHandle CREATE = API.slot(OrtApi.CREATE_SESSION_OPTIONS, OrtApi.status(ADDRESS));
        static final MethodHandle OPTIMIZATION = API.slot(OrtApi.SET_SESSION_GRAPH_OPTIMIZATION_LEVEL,
                OrtApi.status(ADDRESS, JAVA_INT));
        static final MethodHandle INTRA_OP_THREADS = API.slot(OrtApi.SET_INTRA_OP_NUM_THREADS,
                OrtApi.status(ADDRESS, JAVA_INT));
        static final MethodHandle DISABLE_MEM_PATTERN = API.slot(OrtApi.DISABLE_MEM_PATTERN, OrtApi.status(ADDRESS));
        static final MethodHandle DISABLE_PER_SESSION_THREADS = API.slot(OrtApi.DISABLE_PER_SESSION_THREADS,
                OrtApi.status(ADDRESS));
        static final MethodHandle EXTERNAL_INITIALIZERS = API.slot(OrtApi.ADD_EXTERNAL_INITIALIZERS,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS, OrtApi.SIZE_T));
        static final MethodHandle APPEND_CUDA = API.slot(OrtApi.SESSION_OPTIONS_APPEND_EXECUTION_PROVIDER_CUDA_V2,
                OrtApi.status(ADDRESS, ADDRESS));
        static final MethodHandle RELEASE = API.slot(OrtApi.RELEASE_SESSION_OPTIONS, OrtApi.RELEASE);
    }

    public NativeSessionOptions() {
        super(Calls.API.out(Calls.CREATE, "CreateSessionOptions"), Calls.RELEASE);
    }

    public NativeSessionOptions optimizationLevel(int level) {
        return call("SetSessionGraphOptimizationLevel", Calls.OPTIMIZATION, level);
    }

    /**
     * Intra-op threads: a pool of its own with {@code threads}; 0, the process's shared pool of
     * ORT's default size, one per core ({@link ProcessEnvironment}), or a default pool of its own
     * where the environment has none.
     */
    public NativeSessionOptions intraOpThreads(int threads) {
        if (threads > 0) {
            return call("SetIntraOpNumThreads", Calls.INTRA_OP_THREADS, threads);
        }
        return ProcessEnvironment.sharedThreads() ? call("DisablePerSessionThreads", Calls.DISABLE_PER_SESSION_THREADS) : this;
    }

    /** Turns off ORT's memory pattern planning (see ModelSession on why training graphs run without it). */
    public NativeSessionOptions disableMemoryPattern() {
        return call("DisableMemPattern", Calls.DISABLE_MEM_PATTERN);
    }

    /** Initializers the model declares as external, supplied as values over memory the caller keeps alive. */
    public NativeSessionOptions externalInitializers(List<String> names, List<NativeValue> values) {
        if (names.isEmpty()) {
            return this;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cNames = arena.allocate(ADDRESS, names.size());
            MemorySegment cValues = arena.allocate(ADDRESS, names.size());
            for (int i = 0; i < names.size(); i++) {
                cNames.setAtIndex(ADDRESS, i, arena.allocateFrom(names.get(i)));
                cValues.setAtIndex(ADDRESS, i, values.get(i).handle());
            }
            Calls.API.check("AddExternalInitializers", (MemorySegment) Calls.EXTERNAL_INITIALIZERS.invokeExact(handle(),
                    cNames, cValues, (long) names.size()));
            return this;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Runs the graphs on the CUDA execution provider (nodes it lacks fall back to the CPU). */
    public NativeSessionOptions cuda(CudaProviderOptions cuda) {
        try {
            Calls.API.check("SessionOptionsAppendExecutionProvider_CUDA_V2", (MemorySegment) Calls.APPEND_CUDA
                    .invokeExact(handle(), cuda.handle()));
            return this;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private NativeSessionOptions call(String name, MethodHandle function) {
        try {
            Calls.API.check(name, (MemorySegment) function.invokeExact(handle()));
            return this;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private NativeSessionOptions call(String name, MethodHandle function, int value) {
        try {
            Calls.API.check(name, (MemorySegment) function.invokeExact(handle(), value));
            return this;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
