package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.onnxruntime.OrtLoggingLevel;
import dev.trainer.ffm.Downcalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * ONNX Runtime's C API through FFM: {@code OrtGetApiBase()->GetApi(ORT_API_VERSION)} gives the
 * {@code OrtApi} table of function pointers, and this class binds the slots trainer uses.
 *
 * <p>It binds the very library ORT's Java API loaded (the official jar's, or the one
 * {@code -Donnxruntime.native.path} names), so there is one ONNX Runtime in the process: ORT Java
 * is initialized first, then {@code OrtGetApiBase} is looked up among the libraries it loaded.
 *
 * <p>Slot indices are 0-based positions in {@code struct OrtApi} of {@code onnxruntime_c_api.h}
 * for ORT_API_VERSION 28 (ONNX Runtime 1.28.0), counted by {@code scripts/ort_api_slots.py}; the
 * table only grows between versions, so they hold for any later runtime that accepts version 28.
 */
public final class OrtApi {

    static final int ORT_API_VERSION = 28;

    // Slots of struct OrtApi (ORT_API_VERSION 28), checked with scripts/ort_api_slots.py.
    static final int GET_ERROR_CODE = 1;
    static final int GET_ERROR_MESSAGE = 2;
    static final int CREATE_ENV = 3;
    static final int CREATE_SESSION_FROM_ARRAY = 8;
    static final int CREATE_SESSION_OPTIONS = 10;
    static final int DISABLE_MEM_PATTERN = 17;
    static final int SET_SESSION_GRAPH_OPTIMIZATION_LEVEL = 23;
    static final int SET_INTRA_OP_NUM_THREADS = 24;
    static final int CREATE_TENSOR_WITH_DATA_AS_ORT_VALUE = 49;
    static final int GET_TENSOR_MUTABLE_DATA = 51;
    static final int GET_TENSOR_ELEMENT_TYPE = 60;
    static final int GET_DIMENSIONS_COUNT = 61;
    static final int GET_DIMENSIONS = 62;
    static final int GET_TENSOR_TYPE_AND_SHAPE = 65;
    static final int CREATE_MEMORY_INFO = 68;
    static final int CREATE_CPU_MEMORY_INFO = 69;
    static final int ALLOCATOR_FREE = 76;
    static final int GET_ALLOCATOR_WITH_DEFAULT_OPTIONS = 78;
    static final int RELEASE_STATUS = 93;
    static final int RELEASE_MEMORY_INFO = 94;
    static final int RELEASE_SESSION = 95;
    static final int RELEASE_VALUE = 96;
    static final int RELEASE_TENSOR_TYPE_AND_SHAPE_INFO = 99;
    static final int RELEASE_SESSION_OPTIONS = 100;
    static final int DISABLE_PER_SESSION_THREADS = 120;
    static final int RUN_WITH_BINDING = 133;
    static final int CREATE_IO_BINDING = 134;
    static final int RELEASE_IO_BINDING = 135;
    static final int BIND_INPUT = 136;
    static final int BIND_OUTPUT = 137;
    static final int BIND_OUTPUT_TO_DEVICE = 138;
    static final int GET_BOUND_OUTPUT_VALUES = 140;
    static final int CLEAR_BOUND_INPUTS = 141;
    static final int CLEAR_BOUND_OUTPUTS = 142;
    static final int SESSION_OPTIONS_APPEND_EXECUTION_PROVIDER_CUDA_V2 = 204;
    static final int CREATE_CUDA_PROVIDER_OPTIONS = 205;
    static final int UPDATE_CUDA_PROVIDER_OPTIONS = 206;
    static final int RELEASE_CUDA_PROVIDER_OPTIONS = 208;
    static final int ADD_EXTERNAL_INITIALIZERS = 210;
    static final int UPDATE_CUDA_PROVIDER_OPTIONS_WITH_VALUE = 263;
    /** One past the highest slot bound: how much of the table is read. */
    private static final int SLOTS_READ = UPDATE_CUDA_PROVIDER_OPTIONS_WITH_VALUE + 1;

    /** ORT_LOGGING_LEVEL_WARNING and ORT_LOGGING_LEVEL_FATAL. */
    private static final int LOGGING_WARNING = 2;
    private static final int LOGGING_FATAL = 4;

    private static OrtApi instance;
    /** Whether the environment, made on first use, shows ORT's warnings; else only its fatal errors. */
    private static volatile boolean verbose;

    private final MemorySegment table;
    private final String version;
    private final MethodHandle getErrorCode;
    private final MethodHandle getErrorMessage;
    private final MethodHandle releaseStatus;
    private final MemorySegment env;
    private final MemorySegment defaultAllocator;

    private OrtApi(MemorySegment apiBase) {
        MethodHandle getApi = Downcalls.bind(apiBase.get(ADDRESS, 0), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle getVersion = Downcalls.bind(apiBase.get(ADDRESS, ADDRESS.byteSize()), FunctionDescriptor.of(ADDRESS));
        try {
            version = ((MemorySegment) getVersion.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0);
            MemorySegment api = (MemorySegment) getApi.invokeExact(ORT_API_VERSION);
            if (api.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ONNX Runtime " + version + " does not offer its C API version "
                        + ORT_API_VERSION + " (ONNX Runtime 1.28 or newer is needed)");
            }
            table = api.reinterpret(SLOTS_READ * ADDRESS.byteSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
        getErrorCode = slot(GET_ERROR_CODE, FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getErrorMessage = slot(GET_ERROR_MESSAGE, FunctionDescriptor.of(ADDRESS, ADDRESS));
        releaseStatus = slot(RELEASE_STATUS, FunctionDescriptor.ofVoid(ADDRESS));
        env = createEnv();
        defaultAllocator = out(slot(GET_ALLOCATOR_WITH_DEFAULT_OPTIONS, status(ADDRESS)), "GetAllocatorWithDefaultOptions");
    }

    /**
     * Shows ORT's warnings (true) or only its fatal errors (false, the default) in the one
     * environment of the process, when it is made: set before first use, by trainer's logging.
     */
    public static void verbose(boolean warnings) {
        verbose = warnings;
    }

    /** The C API of the ONNX Runtime that ORT Java loaded, initializing ORT Java first when needed. */
    public static synchronized OrtApi get() {
        if (instance == null) {
            ProcessEnvironment.get(verbose ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING
                    : OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
            instance = new OrtApi(apiBase());
        }
        return instance;
    }

    /** {@code OrtGetApiBase()} of the library ORT Java loaded with System.load, or found mapped in the process. */
    private static MemorySegment apiBase() {
        Optional<MemorySegment> symbol = SymbolLookup.loaderLookup().find("OrtGetApiBase");
        if (symbol.isEmpty()) {
            symbol = SymbolLookup.libraryLookup(loadedLibrary(), Arena.global()).find("OrtGetApiBase");
        }
        MethodHandle getApiBase = Downcalls.bind(symbol.orElseThrow(() -> new IllegalStateException(
                "the loaded ONNX Runtime exports no OrtGetApiBase")), FunctionDescriptor.of(ADDRESS));
        try {
            return ((MemorySegment) getApiBase.invokeExact()).reinterpret(2 * ADDRESS.byteSize());
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The path of the libonnxruntime.so mapped into this process (Linux). */
    private static Path loadedLibrary() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.contains("libonnxruntime.so"))
                    .findFirst().map(Path::of).orElseThrow(() -> new IllegalStateException(
                            "ONNX Runtime's library is not loaded"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/maps", e);
        }
    }

    private MemorySegment createEnv() {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle create = slot(CREATE_ENV, status(JAVA_INT, ADDRESS, ADDRESS));
            MemorySegment out = arena.allocate(ADDRESS);
            check("CreateEnv", (MemorySegment) create.invokeExact(verbose ? LOGGING_WARNING : LOGGING_FATAL, arena.allocateFrom("trainer"), out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** The version string of the loaded runtime, e.g. "1.28.0". */
    public String version() {
        return version;
    }

    /**
     * ORT's process-wide environment. ORT keeps one environment per process and hands every
     * creator (ORT Java included) the same one, so this is never released.
     */
    MemorySegment env() {
        return env;
    }

    /** ORT's default CPU allocator, which allocates what some calls return (e.g. bound output arrays). */
    MemorySegment defaultAllocator() {
        return defaultAllocator;
    }

    /** A handle to the function in slot {@code index}. */
    MethodHandle slot(int index, FunctionDescriptor descriptor) {
        return Downcalls.bind(table.getAtIndex(ADDRESS, index), descriptor);
    }

    /** The descriptor of a function returning OrtStatus*. */
    static FunctionDescriptor status(MemoryLayout... arguments) {
        return FunctionDescriptor.of(ADDRESS, arguments);
    }

    /**
     * Throws {@link OrtStatusException} with ORT's message when {@code status} is not NULL (an
     * error), releasing the status either way.
     */
    void check(String call, MemorySegment status) {
        if (status.equals(MemorySegment.NULL)) {
            return;
        }
        try {
            int code = (int) getErrorCode.invokeExact(status);
            String message = ((MemorySegment) getErrorMessage.invokeExact(status)).reinterpret(Long.MAX_VALUE).getString(0);
            releaseStatus.invokeExact(status);
            throw new OrtStatusException(call, code, message);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Calls a {@code Create*(OrtX** out)} function and returns *out. */
    MemorySegment out(MethodHandle create, String call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call, (MemorySegment) create.invokeExact(out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Calls a {@code void f(OrtX*)} function: a {@code Release*}, or a binding's {@code Clear*}. */
    static void release(MethodHandle function, MemorySegment handle) {
        try {
            function.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    static final FunctionDescriptor RELEASE = FunctionDescriptor.ofVoid(ADDRESS);
    static final MemoryLayout SIZE_T = JAVA_LONG;
}
