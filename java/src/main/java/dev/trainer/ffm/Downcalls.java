package dev.trainer.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Binding C functions for the FFM-based bindings (CUDA runtime, trainer's CUDA kernels, ONNX
 * Runtime's C API): handles are bound once, called with {@code invokeExact}, and the
 * {@link Throwable} that {@code invokeExact} declares is turned back into what was thrown.
 */
public final class Downcalls {

    private Downcalls() {
    }

    /** A handle to the exported function {@code name}, or {@link IllegalStateException} naming the library. */
    public static MethodHandle bind(SymbolLookup library, String libraryName, String name, FunctionDescriptor descriptor) {
        MemorySegment address = library.find(name).orElseThrow(() -> new IllegalStateException(
                libraryName + " lacks " + name));
        return Linker.nativeLinker().downcallHandle(address, descriptor);
    }

    /** A handle to the C function at {@code address} (a slot of a function-pointer table). */
    public static MethodHandle bind(MemorySegment address, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(address, descriptor);
    }

    /** Downcalls throw only unchecked exceptions (a closed arena, for one): passes them on unchanged. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
