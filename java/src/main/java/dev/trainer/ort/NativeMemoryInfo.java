package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** An {@code OrtMemoryInfo}: which device a tensor's memory is on, for tensors and output bindings. */
public final class NativeMemoryInfo extends OrtHandle {

    private static final int DEVICE_ALLOCATOR = 0;
    private static final int ARENA_ALLOCATOR = 1;
    private static final int MEM_TYPE_DEFAULT = 0;

    private static final class Calls {
        static final OrtApi API = OrtApi.get();
        static final MethodHandle CREATE_CPU = API.slot(OrtApi.CREATE_CPU_MEMORY_INFO,
                OrtApi.status(JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle CREATE = API.slot(OrtApi.CREATE_MEMORY_INFO,
                OrtApi.status(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle RELEASE = API.slot(OrtApi.RELEASE_MEMORY_INFO, OrtApi.RELEASE);
    }

    private final boolean cuda;

    private NativeMemoryInfo(MemorySegment handle, boolean cuda) {
        super(handle, Calls.RELEASE);
        this.cuda = cuda;
    }

    /** Host memory, as ORT's CPU provider uses it. */
    public static NativeMemoryInfo cpu() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Calls.API.check("CreateCpuMemoryInfo", (MemorySegment) Calls.CREATE_CPU.invokeExact(ARENA_ALLOCATOR,
                    MEM_TYPE_DEFAULT, out));
            return new NativeMemoryInfo(out.get(ADDRESS, 0), false);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Memory of CUDA device {@code device}, as the CUDA provider allocates it. */
    public static NativeMemoryInfo cuda(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Calls.API.check("CreateMemoryInfo", (MemorySegment) Calls.CREATE.invokeExact(arena.allocateFrom("Cuda"),
                    DEVICE_ALLOCATOR, device, MEM_TYPE_DEFAULT, out));
            return new NativeMemoryInfo(out.get(ADDRESS, 0), true);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Whether this describes device memory, which the host must not touch. */
    public boolean isCuda() {
        return cuda;
    }
}
