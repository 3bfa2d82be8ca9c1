package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.DeviceBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels on a GPU against the Java reference (every parity test of
 * {@link KernelParityTest}, through host-to-device staging), and what only the device path has:
 * labels checked on the device, host memory refused, and kernels that return nothing copying
 * nothing back. Skipped, and reported as skipped, without a GPU.
 */
class CudaKernelsTest extends KernelParityTest {

    private static DeviceStagedKernels staged;

    /** Per test, so that each is reported as skipped without a GPU. */
    @BeforeEach
    void requireGpu() {
        Assumptions.assumeTrue(Gpu.available(), () -> "no GPU: " + Gpu.MISSING);
        if (staged == null) {
            staged = new DeviceStagedKernels();
        }
    }

    @AfterAll
    static void release() {
        if (staged != null) {
            staged.close();
        }
    }

    @Override
    Kernels kernels() {
        return staged;
    }

    @Test
    void labelsOutOfRangeAreReportedFromTheDevice() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dLogits = arena.allocate(JAVA_FLOAT, 6);
            var e = assertThrows(IllegalArgumentException.class, () -> staged.softmaxCrossEntropy(
                    Segments.floats(arena, 1, 2, 3, 4, 5, 6), Segments.ints(arena, -100, 3), 2, 3,
                    MemorySegment.NULL, MemorySegment.NULL, 0f, -100, dLogits));
            assertEquals("label 3 of row 1 is outside [0, 3) and is not the ignore index -100", e.getMessage());
        }
    }

    @Test
    void hostMemoryIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = Segments.floats(arena, 1, 2, 3);
            var e = assertThrows(IllegalArgumentException.class, () -> staged.device().scale(host, 3, 2f));
            assertEquals("values is not device memory; CudaKernels needs segments of DeviceBuffers", e.getMessage());
        }
    }

    @Test
    void updatesCopyNothingBack() {
        long count = 1023;
        CudaRuntime cuda = CudaRuntime.load();
        try (DeviceBuffer params = new DeviceBuffer(cuda, count * Float.BYTES);
             DeviceBuffer grads = new DeviceBuffer(cuda, count * Float.BYTES);
             DeviceBuffer m = new DeviceBuffer(cuda, count * Float.BYTES);
             DeviceBuffer v = new DeviceBuffer(cuda, count * Float.BYTES)) {
            for (DeviceBuffer b : new DeviceBuffer[] {params, grads, m, v}) {
                staged.stream().zero(b.segment(), b.bytes());
            }
            long before = staged.stream().deviceToHostBytes();
            staged.device().adam(params.segment(), grads.segment(), m.segment(), v.segment(), count, 1e-3f, 0.9f,
                    0.999f, 1e-8f, 0.01f, true, 1);
            staged.device().sgd(params.segment(), grads.segment(), m.segment(), count, 0.1f, 0.9f, true, 0f);
            staged.device().scale(grads.segment(), count, 0.5f);
            staged.device().blend(params.segment(), grads.segment(), count, 0.5);
            staged.stream().synchronize();
            assertEquals(before, staged.stream().deviceToHostBytes());
        }
    }
}
