package dev.trainer.ort;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The C API table is the one of the ONNX Runtime ORT Java loaded, and the CUDA slots bound are
 * ORT's CUDA functions: on a build without CUDA each answers with ORT's own message naming CUDA
 * (the functions of other slots would fail differently, or crash). The other slots are exercised
 * by every C-API training test.
 */
class OrtApiTest {

    private static final String NOT_ENABLED = "CUDA execution provider is not enabled in this build.";

    @Test
    void bindsTheRuntimeOrtJavaLoaded() {
        assertEquals(OrtEnvironment.getEnvironment().getVersion(), OrtApi.get().version());
    }

    @Test
    void cudaSlotsAnswerAsCudaFunctionsOnACpuBuild() throws Throwable {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime has the CUDA provider");
        var e = assertThrows(OrtStatusException.class, CudaProviderOptions::new);
        assertEquals("CreateCUDAProviderOptions failed: " + NOT_ENABLED, e.getMessage());

        OrtApi api = OrtApi.get();
        MemorySegment none = MemorySegment.NULL;
        try (NativeSessionOptions options = new NativeSessionOptions()) {
            MethodHandle append = api.slot(OrtApi.SESSION_OPTIONS_APPEND_EXECUTION_PROVIDER_CUDA_V2,
                    OrtApi.status(ADDRESS, ADDRESS));
            MemorySegment status = (MemorySegment) append.invokeExact(options.handle(), none);
            var appendFailure = assertThrows(OrtStatusException.class, () -> api.check("call", status));
            // The CPU build forwards it to the provider bridge, which has no CUDA library to load.
            assertEquals("call failed: OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library",
                    appendFailure.getMessage());
        }
        MethodHandle update = api.slot(OrtApi.UPDATE_CUDA_PROVIDER_OPTIONS,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        assertNotEnabled(api, (MemorySegment) update.invokeExact(none, none, none, 0L));
        MethodHandle updateWithValue = api.slot(OrtApi.UPDATE_CUDA_PROVIDER_OPTIONS_WITH_VALUE,
                OrtApi.status(ADDRESS, ADDRESS, ADDRESS));
        assertNotEnabled(api, (MemorySegment) updateWithValue.invokeExact(none, none, none));
        MethodHandle release = api.slot(OrtApi.RELEASE_CUDA_PROVIDER_OPTIONS, FunctionDescriptor.ofVoid(ADDRESS));
        release.invokeExact(none);
    }

    private static void assertNotEnabled(OrtApi api, MemorySegment status) {
        var e = assertThrows(OrtStatusException.class, () -> api.check("call", status));
        assertEquals("call failed: " + NOT_ENABLED, e.getMessage());
    }
}
