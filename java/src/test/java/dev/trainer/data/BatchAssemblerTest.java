package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchAssemblerTest {

    private static final Dataset DIGITS = Datasets.read(TestData.resource("digits_head.csv"),
            List.of(TestData.input("x", ElementType.FLOAT, -1, 1, 8, 8)), Task.CLASSIFICATION, "label");

    private static float[] floats(ByteBuffer buffer) {
        float[] values = new float[buffer.remaining() / Float.BYTES];
        buffer.duplicate().order(buffer.order()).asFloatBuffer().get(values);
        return values;
    }

    private static float[] rows(Feature feature, int... indices) {
        return feature.subset(indices).floats();
    }

    @Test
    void batchBuffersHoldTheDatasetRowsInIndexOrder() {
        int[] indices = {7, 0, 19, 3};
        try (Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(DIGITS, 8, arena).assemble(indices);

            HostTensor x = batch.input("x");
            HostTensor labels = batch.labels();
            int[] classes = new int[4];
            labels.data().asIntBuffer().get(classes);

            assertEquals(4, batch.size());
            assertArrayEquals(new long[] {4, 1, 8, 8}, x.shape());
            assertTrue(x.data().isDirect());
            assertEquals(ByteOrder.nativeOrder(), x.data().order());
            assertArrayEquals(rows(DIGITS.feature("x"), indices), floats(x.data()));
            assertEquals(ElementType.INT32, labels.type());
            assertArrayEquals(new long[] {4}, labels.shape());
            assertArrayEquals(DIGITS.labels().subset(indices).classes(), classes);
        }
    }

    @Test
    void batchesReuseOneBufferAndTheLastPartialBatchGetsAView() {
        try (Arena arena = Arena.ofConfined()) {
            BatchAssembler assembler = new BatchAssembler(DIGITS, 8, arena);
            int[][] order = BatchOrder.epochBatches(DIGITS.size(), 8, true, 3, 0);

            HostTensor full = assembler.assemble(order[0]).input("x");
            long address = MemorySegment.ofBuffer(full.data()).address();
            HostTensor partial = assembler.assemble(order[2]).input("x");

            assertEquals(4, order[2].length);
            assertArrayEquals(new long[] {4, 1, 8, 8}, partial.shape());
            assertEquals(4 * 64 * Float.BYTES, partial.data().remaining());
            assertEquals(address, MemorySegment.ofBuffer(partial.data()).address());
            assertArrayEquals(rows(DIGITS.feature("x"), order[2]), floats(partial.data()));
            assertThrows(IllegalArgumentException.class, () -> assembler.assemble(new int[9]));
        }
    }

    @Test
    void integerDoubleAndBoolInputsAreConvertedToTheirElementType() {
        Dataset data = new Dataset("memory", Map.of(
                "i", Feature.ofLongs(ElementType.INT32, new long[] {2}, new long[] {1, -2, 3, 4}),
                "b", Feature.ofLongs(ElementType.BOOL, new long[] {1}, new long[] {1, 0}),
                "d", Feature.ofFloats(ElementType.DOUBLE, new long[] {1}, new float[] {0.5f, -1.5f}),
                "l", Feature.ofLongs(ElementType.INT64, new long[] {1}, new long[] {Long.MAX_VALUE, 5})),
                Labels.ofTargets(new long[] {1}, new float[] {10, 20}));
        try (Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data, 2, arena).assemble(new int[] {1, 0});
            int[] ints = new int[4];
            batch.input("i").data().asIntBuffer().get(ints);
            byte[] bools = new byte[2];
            batch.input("b").data().get(0, bools);
            double[] doubles = new double[2];
            batch.input("d").data().asDoubleBuffer().get(doubles);
            long[] longs = new long[2];
            batch.input("l").data().asLongBuffer().get(longs);

            assertArrayEquals(new int[] {3, 4, 1, -2}, ints);
            assertArrayEquals(new byte[] {0, 1}, bools);
            assertArrayEquals(new double[] {-1.5, 0.5}, doubles);
            assertArrayEquals(new long[] {5, Long.MAX_VALUE}, longs);
            assertArrayEquals(new float[] {20, 10}, floats(batch.labels().data()));
            assertArrayEquals(new long[] {2, 1}, batch.labels().shape());
        }
    }

    @Test
    void unlabelledDataGivesBatchesWithoutLabels() {
        Dataset data = new Dataset("memory",
                Map.of("x", Feature.ofFloats(ElementType.FLOAT, new long[] {1}, new float[] {1, 2})), null);
        try (Arena arena = Arena.ofConfined()) {
            Batch batch = new BatchAssembler(data, 2, arena).assemble(new int[] {0, 1});

            assertFalse(batch.hasLabels());
            assertThrows(IllegalStateException.class, batch::labels);
            assertArrayEquals(new float[] {1, 2}, floats(batch.input("x").data()));
        }
    }
}
