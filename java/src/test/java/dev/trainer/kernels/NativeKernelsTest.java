package dev.trainer.kernels;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The vectorized C kernels of native/src against the Java reference. */
class NativeKernelsTest extends KernelParityTest {

    @Override
    Kernels kernels() {
        return Kernels.defaultKernels();
    }

    @Test
    void defaultKernelsAreNative() {
        assertSame(NativeKernels.instance(), Kernels.defaultKernels());
    }
}
