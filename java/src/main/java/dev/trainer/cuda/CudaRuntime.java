package dev.trainer.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA runtime ({@code libcudart.so.13}) through FFM: the calls trainer makes itself, around
 * ONNX Runtime's CUDA provider (which loads the same library, so both share the device's context).
 * Every failing call throws {@link CudaException} with CUDA's error name and text. Loaded once per
 * process; the resources it hands out ({@link DeviceBuffer}, {@link CudaStream}, ...) are owned
 * and closed by the caller.
 */
public final class CudaRuntime {

    /** The runtime's soname for CUDA 13, which the kernels library and ONNX Runtime's provider link. */
    static final String LIBRARY = "libcudart.so.13";

    static final int MEMCPY_HOST_TO_DEVICE = 1;
    static final int MEMCPY_DEVICE_TO_HOST = 2;
    static final int MEMCPY_DEVICE_TO_DEVICE = 3;
    private static final int MEMORY_TYPE_DEVICE = 2;
    private static final int ERROR_INSUFFICIENT_DRIVER = 35;
    private static final int ERROR_NO_DEVICE = 100;
    /** cudaDeviceProp is about 1 KB in CUDA 13; its first field is the 256-byte name. */
    private static final long DEVICE_PROP_BYTES = 4096;
    private static final long POINTER_ATTRIBUTES_BYTES = 256;

    private static CudaRuntime instance;

    private final MethodHandle getDeviceCount;
    private final MethodHandle setDevice;
    private final MethodHandle getDeviceProperties;
    private final MethodHandle driverGetVersion;
    private final MethodHandle runtimeGetVersion;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle mallocHost;
    private final MethodHandle freeHost;
    private final MethodHandle memcpyAsync;
    private final MethodHandle memsetAsync;
    private final MethodHandle streamCreate;
    private final MethodHandle streamDestroy;
    private final MethodHandle streamSynchronize;
    private final MethodHandle eventCreate;
    private final MethodHandle eventRecord;
    private final MethodHandle eventSynchronize;
    private final MethodHandle eventElapsedTime;
    private final MethodHandle eventDestroy;
    private final MethodHandle memGetInfo;
    private final MethodHandle pointerGetAttributes;
    private final MethodHandle getErrorName;
    private final MethodHandle getErrorString;

    private CudaRuntime(SymbolLookup cudart) {
        getDeviceCount = bind(cudart, "cudaGetDeviceCount", ADDRESS);
        setDevice = bind(cudart, "cudaSetDevice", JAVA_INT);
        getDeviceProperties = bind(cudart, "cudaGetDeviceProperties", ADDRESS, JAVA_INT);
        driverGetVersion = bind(cudart, "cudaDriverGetVersion", ADDRESS);
        runtimeGetVersion = bind(cudart, "cudaRuntimeGetVersion", ADDRESS);
        malloc = bind(cudart, "cudaMalloc", ADDRESS, JAVA_LONG);
        free = bind(cudart, "cudaFree", JAVA_LONG);
        mallocHost = bind(cudart, "cudaMallocHost", ADDRESS, JAVA_LONG);
        freeHost = bind(cudart, "cudaFreeHost", ADDRESS);
        memcpyAsync = bind(cudart, "cudaMemcpyAsync", JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG);
        memsetAsync = bind(cudart, "cudaMemsetAsync", JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
        streamCreate = bind(cudart, "cudaStreamCreate", ADDRESS);
        streamDestroy = bind(cudart, "cudaStreamDestroy", JAVA_LONG);
        streamSynchronize = bind(cudart, "cudaStreamSynchronize", JAVA_LONG);
        eventCreate = bind(cudart, "cudaEventCreate", ADDRESS);
        eventRecord = bind(cudart, "cudaEventRecord", JAVA_LONG, JAVA_LONG);
        eventSynchronize = bind(cudart, "cudaEventSynchronize", JAVA_LONG);
        eventElapsedTime = bind(cudart, "cudaEventElapsedTime", ADDRESS, JAVA_LONG, JAVA_LONG);
        eventDestroy = bind(cudart, "cudaEventDestroy", JAVA_LONG);
        memGetInfo = bind(cudart, "cudaMemGetInfo", ADDRESS, ADDRESS);
        pointerGetAttributes = bind(cudart, "cudaPointerGetAttributes", ADDRESS, JAVA_LONG);
        getErrorName = Downcalls.bind(cudart, LIBRARY, "cudaGetErrorName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        getErrorString = Downcalls.bind(cudart, LIBRARY, "cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Every runtime call returns a cudaError_t. */
    private static MethodHandle bind(SymbolLookup cudart, String name, java.lang.foreign.MemoryLayout... arguments) {
        return Downcalls.bind(cudart, LIBRARY, name, FunctionDescriptor.of(JAVA_INT, arguments));
    }

    /**
     * The runtime, loading {@code libcudart.so.13} on first use.
     *
     * @throws CudaUnavailableException when the dynamic loader cannot find it
     */
    public static synchronized CudaRuntime load() {
        if (instance == null) {
            instance = load(LIBRARY);
        }
        return instance;
    }

    static CudaRuntime load(String library) {
        SymbolLookup cudart;
        try {
            cudart = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException("the CUDA 13 runtime (" + library + ") is not installed: install the"
                    + " CUDA 13 toolkit or runtime and put its lib64 folder on LD_LIBRARY_PATH", e);
        }
        return new CudaRuntime(cudart);
    }

    /**
     * The number of GPUs, failing with a {@link CudaUnavailableException} that says what to install
     * when there is no driver or no GPU.
     */
    public int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            int error = invoke(getDeviceCount, count);
            if (error == ERROR_INSUFFICIENT_DRIVER) {
                throw new CudaUnavailableException("no usable NVIDIA driver (" + errorName(error) + ": "
                        + errorText(error) + "): install the NVIDIA driver 580 or newer, which supports CUDA 13");
            }
            if (error == ERROR_NO_DEVICE || error == 0 && count.get(JAVA_INT, 0) == 0) {
                throw new CudaUnavailableException("no CUDA GPU found: the NVIDIA driver sees no device");
            }
            check("cudaGetDeviceCount", error);
            return count.get(JAVA_INT, 0);
        }
    }

    /** Makes {@code index} the calling thread's current device, after checking that it exists. */
    public void useDevice(int index) {
        int count = deviceCount();
        if (index < 0 || index >= count) {
            throw new CudaUnavailableException("there is no CUDA device " + index + ": this machine has " + count
                    + (count == 1 ? " GPU (device 0)" : " GPUs (devices 0 to " + (count - 1) + ")"));
        }
        check("cudaSetDevice", invoke(setDevice, index));
    }

    /** The device's marketing name, e.g. "NVIDIA H200". */
    public String deviceName(int index) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment properties = arena.allocate(DEVICE_PROP_BYTES, 8);
            check("cudaGetDeviceProperties", invoke(getDeviceProperties, properties, index));
            return properties.getString(0);
        }
    }

    /** The driver's and the runtime's CUDA versions, as 1000 * major + 10 * minor. */
    public int[] versions() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment driver = arena.allocate(JAVA_INT);
            MemorySegment runtime = arena.allocate(JAVA_INT);
            check("cudaDriverGetVersion", invoke(driverGetVersion, driver));
            check("cudaRuntimeGetVersion", invoke(runtimeGetVersion, runtime));
            return new int[] {driver.get(JAVA_INT, 0), runtime.get(JAVA_INT, 0)};
        }
    }

    /** Free and total bytes of the current device. */
    public long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check("cudaMemGetInfo", invoke(memGetInfo, free, total));
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /** Whether {@code address} points into device (or managed) memory this runtime knows. */
    public boolean isDevicePointer(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attributes = arena.allocate(POINTER_ATTRIBUTES_BYTES, 8);
            int error = invokeAddress(pointerGetAttributes, attributes, address);
            return error == 0 && attributes.get(JAVA_INT, 0) >= MEMORY_TYPE_DEVICE;
        }
    }

    long malloc(long bytes) {
        return allocate(malloc, "cudaMalloc", bytes);
    }

    void free(long address) {
        check("cudaFree", invokeLong(free, address));
    }

    long mallocHost(long bytes) {
        return allocate(mallocHost, "cudaMallocHost", bytes);
    }

    void freeHost(long address) {
        try {
            check("cudaFreeHost", (int) freeHost.invokeExact(MemorySegment.ofAddress(address)));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    void memcpyAsync(long destination, long source, long bytes, int kind, long stream) {
        try {
            check("cudaMemcpyAsync", (int) memcpyAsync.invokeExact(destination, source, bytes, kind, stream));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    void memsetAsync(long destination, int value, long bytes, long stream) {
        try {
            check("cudaMemsetAsync", (int) memsetAsync.invokeExact(destination, value, bytes, stream));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    long streamCreate() {
        return create(streamCreate, "cudaStreamCreate");
    }

    void streamDestroy(long stream) {
        check("cudaStreamDestroy", invokeLong(streamDestroy, stream));
    }

    void streamSynchronize(long stream) {
        check("cudaStreamSynchronize", invokeLong(streamSynchronize, stream));
    }

    long eventCreate() {
        return create(eventCreate, "cudaEventCreate");
    }

    void eventRecord(long event, long stream) {
        try {
            check("cudaEventRecord", (int) eventRecord.invokeExact(event, stream));
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    void eventSynchronize(long event) {
        check("cudaEventSynchronize", invokeLong(eventSynchronize, event));
    }

    float eventElapsedMillis(long start, long end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment millis = arena.allocate(JAVA_FLOAT);
            check("cudaEventElapsedTime", (int) eventElapsedTime.invokeExact(millis, start, end));
            return millis.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    void eventDestroy(long event) {
        check("cudaEventDestroy", invokeLong(eventDestroy, event));
    }

    /** Throws {@link CudaException} unless {@code error} is cudaSuccess. */
    public void check(String call, int error) {
        if (error != 0) {
            throw new CudaException(call, error, errorName(error), errorText(error));
        }
    }

    private String errorName(int error) {
        return cString(getErrorName, error);
    }

    private String errorText(int error) {
        return cString(getErrorString, error);
    }

    private static String cString(MethodHandle function, int error) {
        try {
            MemorySegment text = (MemorySegment) function.invokeExact(error);
            return text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Calls a {@code cudaX(void** out, size_t bytes)} allocator and returns *out. */
    private long allocate(MethodHandle function, String call, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call, (int) function.invokeExact(out, bytes));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Calls a {@code cudaXCreate(handle* out)} and returns *out. */
    private long create(MethodHandle function, String call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(call, (int) function.invokeExact(out));
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int invoke(MethodHandle function, MemorySegment argument) {
        try {
            return (int) function.invokeExact(argument);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int invoke(MethodHandle function, int argument) {
        try {
            return (int) function.invokeExact(argument);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int invoke(MethodHandle function, MemorySegment first, MemorySegment second) {
        try {
            return (int) function.invokeExact(first, second);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int invoke(MethodHandle function, MemorySegment first, int second) {
        try {
            return (int) function.invokeExact(first, second);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int invokeAddress(MethodHandle function, MemorySegment first, long second) {
        try {
            return (int) function.invokeExact(first, second);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int invokeLong(MethodHandle function, long argument) {
        try {
            return (int) function.invokeExact(argument);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
