package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trainer.cuda.CudaRuntime;
import dev.trainer.cuda.CudaStream;
import dev.trainer.cuda.DeviceBuffer;
import dev.trainer.events.LayersEvent;
import dev.trainer.monitor.LayerStatistics;
import dev.trainer.runtime.ParameterBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The per-slot sums of the CUDA statistics kernel against the per-layer monitor itself
 * ({@link LayerStatistics#compute}), on a buffer whose slots are each a layer of their own: the
 * host build of the kernel's arithmetic sums in the monitor's order and must agree bit for bit;
 * the device sums in trees and must agree to 1e-12. Slots of 1, 7, 1023, 4097 and 16 values, with
 * exact-zero gradients, and a NaN gradient in one slot (the monitor's maximum then is NaN).
 */
class SlotStatisticsTest {

    private static final Map<String, long[]> SHAPES = shapes();

    private static Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long[] counts = {1, 7, 1023, 4097, 16};
        for (int i = 0; i < counts.length; i++) {
            shapes.put("layer" + i + ".weight", new long[] {counts[i]});
        }
        return shapes;
    }

    @Test
    void hostBuildMatchesTheMonitorExactly() {
        try (ParameterBuffer buffer = new ParameterBuffer(SHAPES); Arena arena = Arena.ofConfined()) {
            MemorySegment before = fill(buffer, arena);
            List<ParameterBuffer.Slot> slots = buffer.slots();
            double[] sums = new HostMathKernels().slotStatistics(buffer.values(), buffer.gradients(), before,
                    longs(arena, slots, true), longs(arena, slots, false), slots.size());
            compare(LayerStatistics.compute(buffer, before, Set.of(), 1), slots, sums, 0);
        }
    }

    @Test
    void deviceMatchesTheMonitor() {
        Assumptions.assumeTrue(Gpu.available(), () -> "no GPU: " + Gpu.MISSING);
        CudaRuntime cuda = CudaRuntime.load();
        try (ParameterBuffer buffer = new ParameterBuffer(SHAPES); Arena arena = Arena.ofConfined();
             CudaStream stream = new CudaStream(cuda); CudaKernels kernels = new CudaKernels(cuda, stream)) {
            MemorySegment before = fill(buffer, arena);
            List<ParameterBuffer.Slot> slots = buffer.slots();
            long bytes = buffer.length() * Float.BYTES;
            try (DeviceBuffer values = upload(cuda, stream, buffer.values(), bytes);
                 DeviceBuffer gradients = upload(cuda, stream, buffer.gradients(), bytes);
                 DeviceBuffer snapshot = upload(cuda, stream, before, bytes);
                 DeviceBuffer offsets = upload(cuda, stream, longs(arena, slots, true), slots.size() * 8L);
                 DeviceBuffer counts = upload(cuda, stream, longs(arena, slots, false), slots.size() * 8L)) {
                double[] sums = kernels.slotStatistics(values.segment(), gradients.segment(), snapshot.segment(),
                        offsets.segment(), counts.segment(), slots.size(), buffer.length());
                compare(LayerStatistics.compute(buffer, before, Set.of(), 1), slots, sums, 1e-12);
            }
        }
    }

    /** Random values and gradients, every fifth gradient exactly 0 and one NaN; returns the "before" values. */
    private static MemorySegment fill(ParameterBuffer buffer, Arena arena) {
        SplittableRandom random = new SplittableRandom(11);
        MemorySegment before = arena.allocate(JAVA_FLOAT, buffer.length());
        for (long i = 0; i < buffer.length(); i++) {
            float value = (float) random.nextGaussian();
            buffer.values().setAtIndex(JAVA_FLOAT, i, value);
            before.setAtIndex(JAVA_FLOAT, i, value - (float) (random.nextGaussian() * 1e-3));
            buffer.gradients().setAtIndex(JAVA_FLOAT, i, i % 5 == 0 ? 0f : (float) random.nextGaussian());
        }
        long nanAt = buffer.slot("layer3.weight").offset() + 17;
        buffer.gradients().setAtIndex(JAVA_FLOAT, nanAt, Float.NaN);
        return before;
    }

    private static MemorySegment longs(Arena arena, List<ParameterBuffer.Slot> slots, boolean offsets) {
        return arena.allocateFrom(JAVA_LONG, slots.stream().mapToLong(s -> offsets ? s.offset() : s.count()).toArray());
    }

    private static DeviceBuffer upload(CudaRuntime cuda, CudaStream stream, MemorySegment host, long bytes) {
        DeviceBuffer device = new DeviceBuffer(cuda, bytes);
        stream.copyToDevice(host, device.segment(), bytes);
        return device;
    }

    private static void compare(LayersEvent expected, List<ParameterBuffer.Slot> slots, double[] sums,
                                double tolerance) {
        for (int k = 0; k < slots.size(); k++) {
            LayersEvent.Layer layer = expected.layer(LayerStatistics.group(slots.get(k).name()));
            int at = k * CudaKernels.SLOT_STATISTICS;
            long count = slots.get(k).count();
            String name = layer.name();
            assertClose(layer.gradNorm(), Math.sqrt(sums[at]), tolerance, name + " gradient norm");
            assertClose(layer.paramNorm(), Math.sqrt(sums[at + 1]), tolerance, name + " parameter norm");
            assertClose(layer.updateNorm(), Math.sqrt(sums[at + 2]), tolerance, name + " update norm");
            assertEquals(layer.zeroGradFraction(), count == 0 ? 0 : sums[at + 3] / count, name + " zero fraction");
            assertEquals(layer.maxAbsGrad(), sums[at + 4], name + " largest gradient");
        }
    }

    /** Within {@code tolerance} relative; exactly equal (NaN included) when the tolerance is 0 or the value not finite. */
    private static void assertClose(double expected, double actual, double tolerance, String what) {
        if (tolerance == 0 || !Double.isFinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, tolerance * Math.abs(expected), what);
        }
    }
}
