package dev.trainer.kernels;

/**
 * The CUDA kernels' arithmetic, compiled for the host, against the Java reference: the formulas
 * of every CUDA kernel are checked on any machine, with the same tolerances as the C kernels.
 */
class CudaHostMathTest extends KernelParityTest {

    private final HostMathKernels kernels = new HostMathKernels();

    @Override
    Kernels kernels() {
        return kernels;
    }
}
