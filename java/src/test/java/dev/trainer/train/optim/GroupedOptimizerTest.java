package dev.trainer.train.optim;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.OptimizerConfig;
import dev.trainer.config.OptimizerKind;
import dev.trainer.config.RegularizationConfig;
import dev.trainer.kernels.JavaKernels;
import dev.trainer.kernels.Kernels;
import dev.trainer.kernels.NativeKernels;
import dev.trainer.runtime.ParameterBuffer;
import dev.trainer.runtime.PlacedParameters;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GroupedOptimizerTest {

    /** Odd sizes, so that slots leave gaps between them. */
    private static final Map<String, long[]> SHAPES = shapes(
            "conv.weight", new long[] {3, 2, 3}, "conv.bias", new long[] {3},
            "fc.weight", new long[] {5, 7}, "fc.bias", new long[] {5});

    private static Map<String, long[]> shapes(Object... pairs) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], (long[]) pairs[i + 1]);
        }
        return out;
    }

    static Stream<Arguments> kindsAndKernels() {
        List<Arguments> out = new ArrayList<>();
        for (OptimizerKind kind : OptimizerKind.values()) {
            out.add(Arguments.of(kind, new JavaKernels()));
            out.add(Arguments.of(kind, NativeKernels.instance()));
        }
        return out.stream();
    }

    private static Map<String, ParameterSetting> uniform(Map<String, long[]> shapes, double weightDecay) {
        Map<String, ParameterSetting> out = new LinkedHashMap<>();
        shapes.keySet().forEach(n -> out.put(n, new ParameterSetting(n, 0, 1, weightDecay, 0, 0)));
        return out;
    }

    /** Fills the slots (not the gaps) of a buffer's values or gradients with seeded Gaussians. */
    private static void fill(ParameterBuffer buffer, boolean gradients, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (ParameterBuffer.Slot slot : buffer.slots()) {
            MemorySegment s = gradients ? buffer.gradients(slot.name()) : buffer.values(slot.name());
            for (long i = 0; i < slot.count(); i++) {
                s.setAtIndex(JAVA_FLOAT, i, (float) random.nextGaussian());
            }
        }
    }

    private static float[] all(MemorySegment segment, long length) {
        return segment.asSlice(0, length * Float.BYTES).toArray(JAVA_FLOAT);
    }

    @ParameterizedTest
    @MethodSource("kindsAndKernels")
    void oneSettingForAllIsOneKernelUpdateOfTheWholeBufferBitForBit(OptimizerKind kind, Kernels kernels) {
        try (ParameterBuffer expected = new ParameterBuffer(SHAPES);
             ParameterBuffer actual = new ParameterBuffer(SHAPES);
             Arena state = Arena.ofConfined();
             GroupedOptimizer grouped = new GroupedOptimizer(kind, on(actual, kernels), uniform(SHAPES, 0.01), 0.9)) {
            MemorySegment first = state.allocate(JAVA_FLOAT, expected.length());
            MemorySegment second = state.allocate(JAVA_FLOAT, expected.length());
            fill(expected, false, 1);
            fill(actual, false, 1);
            for (int step = 1; step <= 4; step++) {
                fill(expected, true, 100 + step);
                fill(actual, true, 100 + step);
                // PyTorch's update over the whole flat buffer, gaps included
                switch (kind) {
                    case SGD -> kernels.sgd(expected.values(), expected.gradients(), MemorySegment.NULL, expected.length(),
                            0.003f, 0f, false, 0.01f);
                    case MOMENTUM -> kernels.sgd(expected.values(), expected.gradients(), first, expected.length(),
                            0.003f, 0.9f, false, 0.01f);
                    case ADAM, ADAMW -> kernels.adam(expected.values(), expected.gradients(), first, second,
                            expected.length(), 0.003f, 0.9f, 0.999f, 1e-8f, 0.01f, kind == OptimizerKind.ADAMW, step);
                }
                assertEquals(0.0, grouped.step(0.003));
                assertArrayEquals(all(expected.values(), expected.length()), all(actual.values(), actual.length()),
                        kind + " step " + step);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void nesterovMomentumIsTheKernelsNesterovUpdateBitForBit(Kernels kernels) {
        try (ParameterBuffer expected = new ParameterBuffer(SHAPES);
             ParameterBuffer actual = new ParameterBuffer(SHAPES);
             Arena state = Arena.ofConfined();
             GroupedOptimizer grouped = new GroupedOptimizer(OptimizerKind.MOMENTUM, on(actual, kernels), uniform(SHAPES, 0.01), 0.9, true)) {
            MemorySegment velocity = state.allocate(JAVA_FLOAT, expected.length());
            fill(expected, false, 3);
            fill(actual, false, 3);
            for (int step = 1; step <= 4; step++) {
                fill(expected, true, 300 + step);
                fill(actual, true, 300 + step);
                kernels.sgd(expected.values(), expected.gradients(), velocity, expected.length(), 0.003f, 0.9f, true, 0.01f);
                grouped.step(0.003);
                assertArrayEquals(all(expected.values(), expected.length()), all(actual.values(), actual.length()),
                        "step " + step);
            }
            // and Nesterov's differs from plain momentum once the velocity is not zero
            try (ParameterBuffer plain = new ParameterBuffer(SHAPES);
                 GroupedOptimizer momentum = new GroupedOptimizer(OptimizerKind.MOMENTUM, on(plain, kernels), uniform(SHAPES, 0.01), 0.9, false)) {
                fill(plain, false, 3);
                for (int step = 1; step <= 4; step++) {
                    fill(plain, true, 300 + step);
                    momentum.step(0.003);
                }
                assertTrue(!Arrays.equals(all(plain.values(), plain.length()), all(actual.values(), actual.length())));
            }
        }
    }

    static Stream<Kernels> kernels() {
        return Stream.of(new JavaKernels(), NativeKernels.instance());
    }

    @Test
    void aScheduledMomentumIsAdamsBeta1ForThatStep() {
        Kernels kernels = new JavaKernels();
        try (ParameterBuffer expected = new ParameterBuffer(SHAPES);
             ParameterBuffer actual = new ParameterBuffer(SHAPES);
             Arena state = Arena.ofConfined();
             GroupedOptimizer grouped = new GroupedOptimizer(OptimizerKind.ADAM, on(actual, kernels), uniform(SHAPES, 0), 0)) {
            MemorySegment m = state.allocate(JAVA_FLOAT, expected.length());
            MemorySegment v = state.allocate(JAVA_FLOAT, expected.length());
            fill(expected, false, 2);
            fill(actual, false, 2);
            double[] beta1 = {0.95, 0.9, 0.85};
            for (int step = 1; step <= beta1.length; step++) {
                fill(expected, true, 200 + step);
                fill(actual, true, 200 + step);
                kernels.adam(expected.values(), expected.gradients(), m, v, expected.length(), 0.01f,
                        (float) beta1[step - 1], 0.999f, 1e-8f, 0f, false, step);
                grouped.step(0.01, beta1[step - 1]);
                assertArrayEquals(all(expected.values(), expected.length()), all(actual.values(), actual.length()));
            }
        }
    }

    @Test
    void adjacentEqualSettingsShareOneKernelCallOverTheGaps() {
        CountingKernels kernels = new CountingKernels(new JavaKernels());
        try (ParameterBuffer buffer = new ParameterBuffer(SHAPES)) {
            try (GroupedOptimizer one = new GroupedOptimizer(OptimizerKind.ADAM, on(buffer, kernels), uniform(SHAPES, 0), 0)) {
                one.step(1e-3);
                assertEquals(List.of(buffer.length()), kernels.counts);
            }
            Map<String, ParameterSetting> split = uniform(SHAPES, 0);
            split.put("fc.weight", new ParameterSetting("fc.weight", 0, 1, 0.1, 0, 0));
            kernels.counts.clear();
            try (GroupedOptimizer three = new GroupedOptimizer(OptimizerKind.SGD, on(buffer, kernels), split, 0)) {
                three.step(1e-3);
                long fc = buffer.slot("fc.weight").offset();
                long fcBias = buffer.slot("fc.bias").offset();
                assertEquals(List.of(fc, fcBias - fc, buffer.length() - fcBias), kernels.counts);
            }
        }
    }

    @Test
    void eachParameterStepsWithItsOwnLearningRate() {
        Map<String, ParameterSetting> settings = new LinkedHashMap<>();
        double[] scales = {1, 0.5, 0.1, 3};
        int i = 0;
        for (String name : SHAPES.keySet()) {
            settings.put(name, new ParameterSetting(name, i, scales[i++], 0, 0, 0));
        }
        try (ParameterBuffer buffer = new ParameterBuffer(SHAPES);
             GroupedOptimizer sgd = new GroupedOptimizer(OptimizerKind.SGD, on(buffer, NativeKernels.instance()), settings, 0)) {
            fill(buffer, false, 2);
            fill(buffer, true, 3);
            Map<String, float[]> before = new LinkedHashMap<>();
            Map<String, float[]> gradients = new LinkedHashMap<>();
            SHAPES.keySet().forEach(n -> {
                before.put(n, buffer.values(n).toArray(JAVA_FLOAT));
                gradients.put(n, buffer.gradients(n).toArray(JAVA_FLOAT));
            });
            sgd.step(0.01);
            for (String name : SHAPES.keySet()) {
                float lr = (float) (0.01 * settings.get(name).lrScale());
                float[] p = before.get(name);
                float[] g = gradients.get(name);
                float[] expected = new float[p.length];
                for (int k = 0; k < p.length; k++) {
                    expected[k] = p[k] - lr * g[k];
                }
                assertArrayEquals(expected, buffer.values(name).toArray(JAVA_FLOAT), name);
            }
            assertArrayEquals(new float[(int) buffer.length()], gapsOnly(buffer), "gaps stay zero");
        }
    }

    private static float[] gapsOnly(ParameterBuffer buffer) {
        float[] values = all(buffer.values(), buffer.length());
        for (ParameterBuffer.Slot slot : buffer.slots()) {
            Arrays.fill(values, (int) slot.offset(), (int) (slot.offset() + slot.count()), 0f);
        }
        return values;
    }

    @Test
    void biasesAndNormsAreNotDecayed() {
        Map<String, long[]> shapes = new LinkedHashMap<>(SHAPES);
        shapes.put("norm.scale", new long[] {1, 5});
        LayerGroups layers = LayerGroups.of(List.copyOf(shapes.keySet()));
        Map<String, ParameterSetting> settings = ParameterGroups.of(OptimizerConfig.DEFAULT.with(OptimizerKind.ADAMW, 0.1)
                .withWeightDecay(0.5), RegularizationConfig.DEFAULT, layers, shapes, Set.of("norm.scale")).settings();
        try (ParameterBuffer buffer = new ParameterBuffer(shapes);
             GroupedOptimizer adamw = new GroupedOptimizer(OptimizerKind.ADAMW, on(buffer, new JavaKernels()), settings, 0)) {
            fill(buffer, false, 4);
            Map<String, float[]> before = new LinkedHashMap<>();
            shapes.keySet().forEach(n -> before.put(n, buffer.values(n).toArray(JAVA_FLOAT)));
            adamw.step(0.1);
            for (String name : List.of("conv.bias", "fc.bias", "norm.scale")) {
                assertArrayEquals(before.get(name), buffer.values(name).toArray(JAVA_FLOAT), name);
            }
            for (String name : List.of("conv.weight", "fc.weight")) {
                float[] p = before.get(name);
                float[] expected = new float[p.length];
                for (int k = 0; k < p.length; k++) {
                    expected[k] = p[k] * (float) (1 - (double) 0.1f * 0.5f);
                }
                assertArrayEquals(expected, buffer.values(name).toArray(JAVA_FLOAT), name);
            }
        }
    }

    @Test
    void penaltiesAddToTheGradientsBeforeTheUpdate() {
        Map<String, ParameterSetting> settings = uniform(SHAPES, 0);
        settings.put("fc.weight", new ParameterSetting("fc.weight", 0, 1, 0, 0.01f, 0.2f));
        settings.put("conv.weight", new ParameterSetting("conv.weight", 0, 1, 0, 0, 0.3f));
        try (ParameterBuffer buffer = new ParameterBuffer(SHAPES);
             GroupedOptimizer sgd = new GroupedOptimizer(OptimizerKind.SGD, on(buffer, NativeKernels.instance()), settings, 0)) {
            fill(buffer, false, 5);
            fill(buffer, true, 6);
            Map<String, float[]> p = new LinkedHashMap<>();
            Map<String, float[]> g = new LinkedHashMap<>();
            SHAPES.keySet().forEach(n -> {
                p.put(n, buffer.values(n).toArray(JAVA_FLOAT));
                g.put(n, buffer.gradients(n).toArray(JAVA_FLOAT));
            });
            double penalty = sgd.step(0.01);
            double expectedPenalty = 0;
            for (String name : SHAPES.keySet()) {
                float l1 = (float) settings.get(name).l1();
                float l2 = (float) settings.get(name).l2();
                float[] expected = new float[p.get(name).length];
                for (int k = 0; k < expected.length; k++) {
                    float x = p.get(name)[k];
                    expected[k] = g.get(name)[k] + l1 * Math.signum(x) + l2 * x;
                    expectedPenalty += l1 * Math.abs(x) + 0.5 * l2 * x * x;
                }
                assertArrayEquals(expected, buffer.gradients(name).toArray(JAVA_FLOAT), name);
            }
            assertEquals(expectedPenalty, penalty, 1e-6 * expectedPenalty);
        }
    }

    @Test
    void stateCarriesAcrossAReLayoutAndNewParametersStartAtStepOne() {
        Map<String, long[]> top = shapes("fc.weight", SHAPES.get("fc.weight"), "fc.bias", SHAPES.get("fc.bias"));
        Kernels kernels = NativeKernels.instance();
        try (ParameterBuffer before = new ParameterBuffer(top);
             ParameterBuffer after = new ParameterBuffer(SHAPES);
             GroupedOptimizer old = new GroupedOptimizer(OptimizerKind.ADAM, on(before, kernels), uniform(top, 0), 0);
             GroupedOptimizer grown = new GroupedOptimizer(OptimizerKind.ADAM, on(after, kernels), uniform(SHAPES, 0), 0)) {
            fill(before, false, 7);
            for (int step = 1; step <= 3; step++) {
                fill(before, true, 10 + step);
                old.step(1e-3);
            }
            Map<String, GroupedOptimizer.ParameterState> state = old.exportState();
            assertEquals(3, state.get("fc.bias").steps());
            grown.importState(state);
            Map<String, GroupedOptimizer.ParameterState> carried = grown.exportState();
            for (String name : top.keySet()) {
                assertArrayEquals(state.get(name).first(), carried.get(name).first());
                assertArrayEquals(state.get(name).second(), carried.get(name).second());
                assertEquals(3, carried.get(name).steps());
            }
            assertEquals(0, carried.get("conv.weight").steps());
            assertArrayEquals(new float[18], carried.get("conv.weight").first());

            // One more step on both, from the same values and gradients for the kept parameters.
            fill(after, true, 20);
            fill(after, false, 21);
            for (String name : top.keySet()) {
                MemorySegment.copy(before.values(name), 0, after.values(name), 0, before.values(name).byteSize());
                MemorySegment.copy(after.gradients(name), 0, before.gradients(name), 0, before.gradients(name).byteSize());
            }
            float[] conv = after.values("conv.weight").toArray(JAVA_FLOAT);
            float[] convGradient = after.gradients("conv.weight").toArray(JAVA_FLOAT);
            old.step(1e-3);
            grown.step(1e-3);
            for (String name : top.keySet()) {
                assertArrayEquals(before.values(name).toArray(JAVA_FLOAT), after.values(name).toArray(JAVA_FLOAT), name);
            }
            float[] moved = after.values("conv.weight").toArray(JAVA_FLOAT);
            for (int k = 0; k < conv.length; k++) {
                // Adam's first step moves each weight by lr * g / (|g| + eps): lr times the sign.
                assertEquals(-1e-3 * Math.signum(convGradient[k]), moved[k] - conv[k], 1e-7, "conv.weight[" + k + "]");
            }
        }
    }

    @Test
    void mismatchedStateOrMissingSettingsAreRefused() {
        try (ParameterBuffer buffer = new ParameterBuffer(SHAPES);
             GroupedOptimizer adam = new GroupedOptimizer(OptimizerKind.ADAM, on(buffer, new JavaKernels()), uniform(SHAPES, 0), 0);
             GroupedOptimizer sgd = new GroupedOptimizer(OptimizerKind.SGD, on(buffer, new JavaKernels()), uniform(SHAPES, 0), 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.importState(sgd.exportState()));
            assertTrue(e.getMessage().startsWith("optimizer state of conv.weight has 0 first values, expected 18"), e.getMessage());
            Map<String, ParameterSetting> partial = uniform(SHAPES, 0);
            partial.remove("fc.bias");
            e = assertThrows(IllegalArgumentException.class,
                    () -> new GroupedOptimizer(OptimizerKind.SGD, on(buffer, new JavaKernels()), partial, 0));
            assertEquals("no optimizer setting for parameter fc.bias", e.getMessage());
        }
    }

    /** Records the element count of every update call, delegating the work. */
    private static final class CountingKernels implements Kernels {
        final List<Long> counts = new ArrayList<>();
        private final Kernels inner;

        CountingKernels(Kernels inner) {
            this.inner = inner;
        }

        @Override
        public double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c, MemorySegment classWeights,
                                          MemorySegment sampleWeights, float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
            return inner.softmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights, labelSmoothing, ignoreIndex, dLogits);
        }

        @Override
        public double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count, MemorySegment dPredictions) {
            return inner.meanSquaredError(predictions, targets, count, dPredictions);
        }

        @Override
        public double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
            return inner.l1Penalty(params, grads, count, lambda);
        }

        @Override
        public double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
            return inner.l2Penalty(params, grads, count, lambda);
        }

        @Override
        public double sumOfSquares(MemorySegment values, long count) {
            return inner.sumOfSquares(values, count);
        }

        @Override
        public void scale(MemorySegment values, long count, float factor) {
            inner.scale(values, count, factor);
        }

        @Override
        public void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta) {
            inner.axpby(x, y, count, alpha, beta);
        }

        @Override
        public void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count, float lr,
                        float momentum, boolean nesterov, float weightDecay) {
            counts.add(count);
            inner.sgd(params, grads, velocity, count, lr, momentum, nesterov, weightDecay);
        }

        @Override
        public void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count, float lr,
                         float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled, long step) {
            counts.add(count);
            inner.adam(params, grads, m, v, count, lr, beta1, beta2, epsilon, weightDecay, decoupled, step);
        }
    }

    private static PlacedParameters on(ParameterBuffer buffer, Kernels kernels) {
        return PlacedParameters.onHost(buffer, kernels);
    }
}
