package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaUnavailableException;
import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URL;

/**
 * Finds and loads {@code libtrainer_cuda.so}, which the Maven build compiles with nvcc (when the
 * machine has it) beside the CPU kernels at {@value #RESOURCE}. It links the CUDA 13 runtime, so
 * {@link CudaRuntime} is loaded first: a missing runtime is reported as such, not as a broken library.
 */
final class CudaKernelLibrary {

    static final String RESOURCE = "/native/libtrainer_cuda.so";

    /** Must equal TRAINER_CUDA_ABI_VERSION in native/cuda/src/trainer_cuda.h. */
    static final int ABI_VERSION = 3;

    private static SymbolLookup symbols;

    private CudaKernelLibrary() {
    }

    /**
     * The library's symbols, loading it on first use.
     *
     * @throws CudaUnavailableException if the CUDA runtime is missing or the library was not built
     * @throws IllegalStateException    if the library was built for another version of these bindings
     */
    static synchronized SymbolLookup symbols() {
        if (symbols == null) {
            CudaRuntime.load();
            symbols = load();
        }
        return symbols;
    }

    static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return Downcalls.bind(symbols(), "libtrainer_cuda.so", name, descriptor);
    }

    private static SymbolLookup load() {
        URL url = CudaKernelLibrary.class.getResource(RESOURCE);
        if (url == null) {
            throw new CudaUnavailableException("trainer's CUDA kernels were not built (no " + RESOURCE + " on the class"
                    + " path): build with the CUDA 13 toolkit's nvcc on PATH or in /usr/local/cuda/bin");
        }
        SymbolLookup lookup = SymbolLookup.libraryLookup(NativeLibrary.localFile(url), Arena.global());
        int version = call(Downcalls.bind(lookup, "libtrainer_cuda.so", "trainer_cuda_version",
                FunctionDescriptor.of(JAVA_INT)));
        if (version != ABI_VERSION) {
            throw new IllegalStateException("CUDA kernels are stale (ABI version " + version + ", these bindings need "
                    + ABI_VERSION + "): run mvn package");
        }
        return lookup;
    }

    /** Doubles of scratch a call needs with up to {@code rows} cross-entropy rows and {@code slots} statistics slots. */
    static long scratchDoubles(long rows, long slots) {
        MethodHandle size = downcall("trainer_cuda_scratch_doubles", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        try {
            return (long) size.invokeExact(rows, slots);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int call(MethodHandle version) {
        try {
            return (int) version.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
