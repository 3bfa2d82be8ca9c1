package dev.trainer.monitor;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.LayersEvent.Layer;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.PlacedParameters;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayerStatisticsTest {

    private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("fc1.weight", new long[] {3, 5});
        SHAPES.put("fc1.bias", new long[] {3});
        SHAPES.put("encoder.layer.3.attention.self.query.weight", new long[] {4, 4});
        SHAPES.put("onnx::MatMul_52", new long[] {7});
    }

    /** Per parameter: values before the step, gradients, values after; filled as the test's own copy. */
    private record Filled(Map<String, float[]> before, Map<String, float[]> gradients, Map<String, float[]> after) {
    }

    /** Random values and gradients (a third of the gradients exactly 0), then a plain SGD step. */
    private static Filled fill(ParameterBuffer params, long seed) {
        Random random = new Random(seed);
        Filled f = new Filled(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        for (ParameterBuffer.Slot s : params.slots()) {
            int n = (int) s.count();
            float[] v = new float[n];
            float[] g = new float[n];
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) random.nextGaussian();
                g[i] = random.nextInt(3) == 0 ? 0f : (float) (random.nextGaussian() * 0.1);
                a[i] = v[i] - 0.5f * g[i];
                params.values(s.name()).setAtIndex(JAVA_FLOAT, i, v[i]);
                params.gradients(s.name()).setAtIndex(JAVA_FLOAT, i, g[i]);
            }
            f.before().put(s.name(), v);
            f.gradients().put(s.name(), g);
            f.after().put(s.name(), a);
        }
        return f;
    }

    private static void step(ParameterBuffer params, Filled f) {
        f.after().forEach((name, a) -> {
            for (int i = 0; i < a.length; i++) {
                params.values(name).setAtIndex(JAVA_FLOAT, i, a[i]);
            }
        });
    }

    private static double norm(List<float[]> arrays) {
        double s = 0;
        for (float[] a : arrays) {
            for (float x : a) {
                s += (double) x * x;
            }
        }
        return Math.sqrt(s);
    }

    private static double updateNorm(List<float[]> before, List<float[]> after) {
        double s = 0;
        for (int k = 0; k < before.size(); k++) {
            for (int i = 0; i < before.get(k).length; i++) {
                double d = (double) after.get(k)[i] - before.get(k)[i];
                s += d * d;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void groupsParametersByModulePath() {
        assertEquals("fc1", LayerStatistics.group("fc1.weight"));
        assertEquals("encoder.layer.3.attention.self.query",
                LayerStatistics.group("encoder.layer.3.attention.self.query.weight"));
        assertEquals("onnx::MatMul_52", LayerStatistics.group("onnx::MatMul_52"));
        assertEquals(".hidden", LayerStatistics.group(".hidden"));
    }

    @Test
    void matchesStatisticsComputedIndependently() {
        try (ParameterBuffer params = new ParameterBuffer(SHAPES); ValueSnapshot snapshot = new ValueSnapshot(host(params))) {
            Filled f = fill(params, 42);
            snapshot.capture();
            step(params, f);

            LayersEvent stats = LayerStatistics.compute(host(params), snapshot.values(), Set.of(), 50);

            assertEquals(List.of("fc1", "encoder.layer.3.attention.self.query", "onnx::MatMul_52"),
                    stats.layers().stream().map(Layer::name).toList());
            Map<String, List<String>> members = Map.of("fc1", List.of("fc1.weight", "fc1.bias"),
                    "encoder.layer.3.attention.self.query", List.of("encoder.layer.3.attention.self.query.weight"),
                    "onnx::MatMul_52", List.of("onnx::MatMul_52"));
            for (Layer l : stats.layers()) {
                List<float[]> g = members.get(l.name()).stream().map(f.gradients()::get).toList();
                List<float[]> before = members.get(l.name()).stream().map(f.before()::get).toList();
                List<float[]> after = members.get(l.name()).stream().map(f.after()::get).toList();
                long count = g.stream().mapToLong(a -> a.length).sum();
                long zeros = 0;
                double max = 0;
                for (float[] a : g) {
                    for (float x : a) {
                        zeros += x == 0 ? 1 : 0;
                        max = Math.max(max, Math.abs(x));
                    }
                }
                assertEquals(count, l.parameters(), l.name());
                assertEquals(norm(g), l.gradNorm(), 1e-9, l.name());
                assertEquals(norm(after), l.paramNorm(), 1e-9, l.name());
                assertEquals(updateNorm(before, after), l.updateNorm(), 1e-9, l.name());
                assertEquals(updateNorm(before, after) / norm(after), l.updateRatio(), 1e-12, l.name());
                assertEquals((double) zeros / count, l.zeroGradFraction(), 0, l.name());
                assertEquals(max, l.maxAbsGrad(), 0, l.name());
                assertTrue(zeros > 0 && l.updateNorm() > 0, l.name());
            }
        }
    }

    @Test
    void withoutASnapshotTheUpdateIsUnknown() {
        try (ParameterBuffer params = new ParameterBuffer(SHAPES)) {
            fill(params, 1);

            Layer fc1 = LayerStatistics.compute(host(params), null, Set.of(), 1).layer("fc1");

            assertTrue(Double.isNaN(fc1.updateNorm()) && Double.isNaN(fc1.updateRatio()));
            assertTrue(fc1.gradNorm() > 0);
        }
    }

    @Test
    void aNaNGradientShowsInTheNormAndMaximum() {
        try (ParameterBuffer params = new ParameterBuffer(SHAPES)) {
            fill(params, 2);
            params.gradients("fc1.bias").setAtIndex(JAVA_FLOAT, 1, Float.NaN);

            Layer fc1 = LayerStatistics.compute(host(params), null, Set.of(), 1).layer("fc1");

            assertTrue(Double.isNaN(fc1.gradNorm()) && Double.isNaN(fc1.maxAbsGrad()));
        }
    }

    @Test
    void aSnapshotOfAnotherLayoutIsRefused() {
        try (ParameterBuffer params = new ParameterBuffer(SHAPES); Arena arena = Arena.ofConfined()) {
            var small = arena.allocate(JAVA_FLOAT, 3);
            assertThrows(IllegalArgumentException.class, () -> LayerStatistics.compute(host(params), small, Set.of(), 1));
        }
    }

    @Test
    void theEventRoundTripsThroughMetricsJsonl() throws Exception {
        try (ParameterBuffer params = new ParameterBuffer(SHAPES); ValueSnapshot snapshot = new ValueSnapshot(host(params))) {
            Filled f = fill(params, 3);
            snapshot.capture();
            step(params, f);
            LayersEvent stats = LayerStatistics.compute(host(params), snapshot.values(), Set.of(), 50);

            String line = new ObjectMapper().writeValueAsString(MetricsFile.toJson(stats));
            RunHistory history = RunHistory.of(MetricsFile.parse(List.of(new ObjectMapper().readTree(line))));

            assertTrue(line.startsWith("{\"event\":\"layers\",\"step\":50,\"layers\":{\"fc1\":{\"parameters\":18,"
                    + "\"grad_norm\":"), line);
            assertEquals(50, history.layers().getFirst().step());
            assertEquals(stats, history.layers().getFirst());
        }
    }

    @Test
    void unknownNumbersAreWrittenAsNull() {
        try (ParameterBuffer params = new ParameterBuffer(SHAPES)) {
            var event = MetricsFile.toJson(LayerStatistics.compute(host(params), null, Set.of(), 1));

            assertTrue(event.get("layers").get("fc1").get("update_norm").isNull());
            assertEquals(1.0, event.get("layers").get("fc1").get("zero_grad_fraction").asDouble()); // all gradients 0
        }
    }

    private static PlacedParameters host(ParameterBuffer params) {
        return PlacedParameters.onHost(params, NativeKernels.instance());
    }
}
