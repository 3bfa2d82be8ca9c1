package dev.trainer.kernels;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaUnavailableException;

/** Whether this machine can run the CUDA kernels, and why not: GPU tests are skipped, not passed, without one. */
final class Gpu {

    /** Null when a GPU and the kernels are usable, else the one-line reason. */
    static final String MISSING = probe();

    private Gpu() {
    }

    private static String probe() {
        try {
            CudaRuntime.load().useDevice(0);
            CudaKernelLibrary.symbols();
            return null;
        } catch (CudaUnavailableException e) {
            return e.getMessage();
        }
    }

    static boolean available() {
        return MISSING == null;
    }
}
