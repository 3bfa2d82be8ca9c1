package dev.trainer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.trainer.kernels.JavaKernels;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacedParametersTest {

    @Test
    void aWholeBufferSetOnTheHostReachesThePlacedCopy() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("w", new long[] {2, 3});
        shapes.put("b", new long[] {3});
        try (ParameterBuffer host = new ParameterBuffer(shapes);
             DeviceStandIn device = new DeviceStandIn(new JavaKernels());
             PlacedParameters placed = PlacedParameters.in(device, host)) {
            float[] restored = new float[(int) host.length()];
            for (int i = 0; i < restored.length; i++) {
                restored[i] = i + 0.5f;
            }

            host.setAll(restored);

            float[] onDevice = placed.values().toArray(ValueLayout.JAVA_FLOAT);
            for (ParameterBuffer.Slot slot : host.slots()) {
                int from = (int) slot.offset();
                int to = from + (int) slot.count();
                assertArrayEquals(Arrays.copyOfRange(restored, from, to),
                        Arrays.copyOfRange(onDevice, from, to), slot.name());
            }
        }
    }
}
