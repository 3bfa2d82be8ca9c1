package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.trainer.ffm.Downcalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * {@code OrtCUDAProviderOptionsV2}: the CUDA execution provider's settings, by ORT's own keys
 * ({@code device_id}, {@code cudnn_conv_algo_search}, ...), plus the compute stream trainer shares
 * with its kernels. Creating one fails on an ONNX Runtime built without CUDA.
 */
public final class CudaProviderOptions extends OrtHandle {

    private static final class Calls {
        static final OrtApi API = OrtApi.get();
        static final MethodHandle CREATE = API.slot(OrtApi.CREATE_CUDA_PROVIDER_OPTIONS, OrtApi.status(ADDRESS));
        static final MethodHandle UPDATE = API.slot(OrtApi.UPDATE_CUDA_PROVIDER_OPTIONS,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS, OrtApi.SIZE_T));
        static final MethodHandle UPDATE_WITH_VALUE = API.slot(OrtApi.UPDATE_CUDA_PROVIDER_OPTIONS_WITH_VALUE,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle RELEASE = API.slot(OrtApi.RELEASE_CUDA_PROVIDER_OPTIONS, OrtApi.RELEASE);
    }

    /** The provider's defaults. */
    public CudaProviderOptions() {
        super(Calls.API.out(Calls.CREATE, "CreateCUDAProviderOptions"), Calls.RELEASE);
    }

    /** Sets options by ORT's string keys. */
    public CudaProviderOptions set(Map<String, String> options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(ADDRESS, Math.max(1, options.size()));
            MemorySegment values = arena.allocate(ADDRESS, Math.max(1, options.size()));
            int i = 0;
            for (Map.Entry<String, String> e : options.entrySet()) {
                keys.setAtIndex(ADDRESS, i, arena.allocateFrom(e.getKey()));
                values.setAtIndex(ADDRESS, i++, arena.allocateFrom(e.getValue()));
            }
            Calls.API.check("UpdateCUDAProviderOptions", (MemorySegment) Calls.UPDATE.invokeExact(handle(), keys, values,
                    (long) options.size()));
            return this;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Runs the provider's kernels on {@code stream} (a {@code cudaStream_t}) instead of a stream of its own. */
    public CudaProviderOptions computeStream(long stream) {
        try (Arena arena = Arena.ofConfined()) {
            Calls.API.check("UpdateCUDAProviderOptionsWithValue", (MemorySegment) Calls.UPDATE_WITH_VALUE.invokeExact(
                    handle(), arena.allocateFrom("user_compute_stream"), MemorySegment.ofAddress(stream)));
            return this;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
