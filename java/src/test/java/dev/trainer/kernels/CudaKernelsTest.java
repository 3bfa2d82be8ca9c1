package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.DeviceBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels on a GPU against the Java reference (every parity test of
 * {@link KernelParityTest}, through host-to-device staging), and what only the device path has:
 * labels checked on the device, host memory refused, clipping without a readback, and kernels
 * that return nothing copying nothing back. Skipped, and reported as skipped, without a GPU.
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
    void clippingOnTheDeviceMatchesTheHostDecision() {
        long count = 4097;
        try (Arena arena = Arena.ofConfined(); DeviceBuffer device = new DeviceBuffer(CudaRuntime.load(),
                count * Float.BYTES)) {
            MemorySegment expected = Segments.gaussian(arena, count, new SplittableRandom(5), 3);
            staged.stream().copyToDevice(expected, device.segment(), count * Float.BYTES);
            double norm = Math.sqrt(new JavaKernels().sumOfSquares(expected, count));
            new JavaKernels().scale(expected, count, (float) (1.0 / norm));
            long readBack = staged.stream().deviceToHostBytes();
            staged.device().clipToNorm(device.segment(), count, 1.0);
            assertEquals(readBack, staged.stream().deviceToHostBytes(), "clipping copied something back");
            MemorySegment actual = arena.allocate(JAVA_FLOAT, count);
            staged.stream().copyToHost(device.segment(), actual, count * Float.BYTES);
            staged.stream().synchronize();
            // The device's norm is summed in another order: the factor may differ in its last bit.
            float[] want = Segments.toFloats(expected);
            float[] got = Segments.toFloats(actual);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-6f * Math.abs(want[i]), "element " + i);
            }
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
            staged.stream().synchronize();
            assertEquals(before, staged.stream().deviceToHostBytes());
        }
    }
}
