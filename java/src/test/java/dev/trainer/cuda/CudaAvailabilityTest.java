package dev.trainer.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What a machine without a GPU, or without CUDA's libraries, is told: one line naming what to
 * install. These run for real wherever the thing they check is missing (on the development
 * machines: the CUDA 13 runtime is installed, the driver, the GPU, cuBLAS and cuDNN are not) and
 * are skipped where it is present.
 */
class CudaAvailabilityTest {

    @Test
    void missingRuntimeSaysWhatToInstall() {
        var e = assertThrows(CudaUnavailableException.class, () -> CudaRuntime.load("libcudart.so.99"));
        assertEquals("the CUDA 13 runtime (libcudart.so.99) is not installed: install the CUDA 13 toolkit or runtime"
                + " and put its lib64 folder on LD_LIBRARY_PATH", e.getMessage());
    }

    @Test
    void missingDriverOrGpuSaysWhatToInstall() {
        CudaRuntime cuda;
        try {
            cuda = CudaRuntime.load();
        } catch (CudaUnavailableException e) {
            Assumptions.abort("no CUDA runtime here: " + e.getMessage());
            return;
        }
        int count = 0;
        String message = null;
        try {
            count = cuda.deviceCount();
        } catch (CudaUnavailableException e) {
            message = e.getMessage();
        }
        Assumptions.assumeTrue(message != null, () -> "this machine has a GPU (" + cuda.deviceName(0) + ")");
        assertEquals(0, count);
        assertTrue(message.startsWith("no usable NVIDIA driver (cudaErrorInsufficientDriver: ")
                && message.endsWith("): install the NVIDIA driver 580 or newer, which supports CUDA 13")
                || message.equals("no CUDA GPU found: the NVIDIA driver sees no device"), message);
        assertEquals(-1, message.indexOf('\n'), "one line");
        var e = assertThrows(CudaUnavailableException.class, () -> CudaPrerequisites.require(0));
        assertEquals(message, e.getMessage());
    }

    @Test
    void missingCudnnSaysWhatToInstall() {
        Assumptions.assumeTrue(missing("libcudnn.so.9"), "cuDNN 9 is installed here");
        var e = assertThrows(CudaUnavailableException.class, () -> CudaPrerequisites.requireLibrary("libcudnn.so.9",
                "cuDNN 9 for CUDA 13"));
        assertEquals("libcudnn.so.9 is not installed: install cuDNN 9 for CUDA 13 and put its folder on"
                + " LD_LIBRARY_PATH", e.getMessage());
    }

    @Test
    void missingCublasSaysWhatToInstall() {
        Assumptions.assumeTrue(missing("libcublas.so.13"), "cuBLAS 13 is installed here");
        var e = assertThrows(CudaUnavailableException.class, () -> CudaPrerequisites.requireLibrary("libcublas.so.13",
                "cuBLAS for CUDA 13"));
        assertTrue(e.getMessage().startsWith("libcublas.so.13 is not installed: install cuBLAS"), e.getMessage());
    }

    private static boolean missing(String soname) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, arena);
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
