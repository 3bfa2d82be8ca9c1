package dev.trainer.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * What training on a GPU needs from the machine, checked in the order a user would fix it: the
 * CUDA 13 runtime, the NVIDIA driver, the GPU, then the cuBLAS and cuDNN libraries that ONNX
 * Runtime's CUDA provider loads. Each failure is a {@link CudaUnavailableException} whose one-line
 * message says what to install.
 */
public final class CudaPrerequisites {

    private CudaPrerequisites() {
    }

    /**
     * Checks everything for device {@code index} and makes it the current device.
     *
     * @return the device's name
     */
    public static String require(int index) {
        CudaRuntime cuda = CudaRuntime.load();
        cuda.useDevice(index);
        requireLibrary("libcublas.so.13", "cuBLAS for CUDA 13 (the CUDA 13 toolkit's libcublas, or pip's nvidia-cublas)");
        requireLibrary("libcublasLt.so.13", "cuBLASLt for CUDA 13 (ships with cuBLAS)");
        requireLibrary("libcudnn.so.9", "cuDNN 9 for CUDA 13 (NVIDIA's libcudnn9-cuda-13, or pip's nvidia-cudnn-cu13)");
        return cuda.deviceName(index);
    }

    /** Fails unless the dynamic loader finds {@code soname}; the library is unloaded again. */
    static void requireLibrary(String soname, String what) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, arena);
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException(soname + " is not installed: install " + what
                    + " and put its folder on LD_LIBRARY_PATH", e);
        }
    }
}
