package dev.trainer.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.data.Batch;
import dev.trainer.data.BatchAssembler;
import dev.trainer.data.Dataset;
import dev.trainer.data.ElementType;
import dev.trainer.data.Feature;
import dev.trainer.data.Labels;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MixupTest {

    private static final int N = 6;

    /** Inputs {@code x} FLOAT [3], {@code z} DOUBLE [2] and {@code ids} INT64 [2], with distinct values. */
    private static Dataset data() {
        float[] x = new float[N * 3];
        float[] z = new float[N * 2];
        long[] ids = new long[N * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i + 1) * 10;
        }
        for (int i = 0; i < z.length; i++) {
            z[i] = i * 0.5f - 3;
            ids[i] = 100 + i;
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        features.put("x", Feature.ofFloats(ElementType.FLOAT, new long[] {3}, x));
        features.put("z", Feature.ofFloats(ElementType.DOUBLE, new long[] {2}, z));
        features.put("ids", Feature.ofLongs(ElementType.INT64, new long[] {2}, ids));
        return new Dataset("mix", features, Labels.ofClasses(new int[] {0, 1, 2, 0, 1, 2}));
    }

    private static float[] floats(ByteBuffer b) {
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(0, v);
        return v;
    }

    private static double[] doubles(ByteBuffer b) {
        double[] v = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(0, v);
        return v;
    }

    private static long[] longs(ByteBuffer b) {
        long[] v = new long[b.remaining() / 8];
        b.asLongBuffer().get(0, v);
        return v;
    }

    @Test
    void mixesFloatInputsByTheFormulaAndLeavesIntegersAlone() {
        int[] indices = {5, 0, 3, 1, 4, 2};
        try (Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data(), N, arena).assemble(indices);
            float[] x = floats(batch.input("x").data());
            double[] z = doubles(batch.input("z").data());
            long[] ids = longs(batch.input("ids").data());
            int[] labels = new int[N];
            batch.labels().data().asIntBuffer().get(0, labels);

            Mix mix = new Mixup(0.4, 17).mix(batch, 1);

            int[] perm = mix.permutation();
            double lambda = mix.lambda();
            assertArrayEquals(IntStream.range(0, N).toArray(), Arrays.stream(perm).sorted().toArray());
            assertTrue(lambda >= 0 && lambda <= 1, "lambda " + lambda);
            float[] mixedX = floats(batch.input("x").data());
            double[] mixedZ = doubles(batch.input("z").data());
            for (int i = 0; i < N; i++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals((float) lambda * x[i * 3 + k] + (float) (1 - lambda) * x[perm[i] * 3 + k],
                            mixedX[i * 3 + k], "x[" + i + "][" + k + "]");
                }
                for (int k = 0; k < 2; k++) {
                    assertEquals(lambda * z[i * 2 + k] + (1 - lambda) * z[perm[i] * 2 + k], mixedZ[i * 2 + k],
                            "z[" + i + "][" + k + "]");
                }
            }
            assertArrayEquals(ids, longs(batch.input("ids").data()));
            int[] after = new int[N];
            batch.labels().data().asIntBuffer().get(0, after);
            assertArrayEquals(labels, after);
            assertEquals(labels[perm[2]], mix.partnerClasses(labels)[2]);
            assertNotEquals(Arrays.toString(x), Arrays.toString(mixedX));
        }
    }

    /** A step's mix is a function of (seed, step) alone: a resumed run mixes step 3 as the uninterrupted run did. */
    @Test
    void eachStepsMixDependsOnTheSeedAndTheStepOnly() {
        try (Arena arena = Arena.ofConfined()) {
            BatchAssembler assembler = new BatchAssembler(data(), N, arena);
            Mixup first = new Mixup(0.2, 5);
            int[] indices = {0, 1, 2, 3, 4, 5};
            Mix[] mixes = new Mix[4];
            float[][] mixed = new float[4][];
            for (int step = 1; step <= 3; step++) {
                Batch batch = assembler.assemble(indices);
                mixes[step] = first.mix(batch, step);
                mixed[step] = floats(batch.input("x").data());
            }
            Batch batch = assembler.assemble(indices);
            Mix resumed = new Mixup(0.2, 5).mix(batch, 3);
            assertEquals(mixes[3].lambda(), resumed.lambda());
            assertArrayEquals(mixes[3].permutation(), resumed.permutation());
            assertArrayEquals(mixed[3], floats(batch.input("x").data()));

            assertNotEquals(mixes[1].lambda(), mixes[2].lambda(), "each step draws anew");
            assertNotEquals(new Mixup(0.2, 5).mix(assembler.assemble(indices), 1).lambda(),
                    new Mixup(0.2, 6).mix(assembler.assemble(indices), 1).lambda());
        }
    }

    @Test
    void alphaMustBePositive() {
        assertEquals("mixup alpha must be positive and finite, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Mixup(0, 1)).getMessage());
    }
}
