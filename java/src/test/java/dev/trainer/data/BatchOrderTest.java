package dev.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchOrderTest {

    private static int[] flatten(int[][] batches) {
        return Arrays.stream(batches).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void withoutShuffleBatchesRunInOrderWithAPartialLastBatch() {
        int[][] batches = BatchOrder.epochBatches(10, 4, false, 7, 3);

        assertArrayEquals(new int[][] {{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}, batches);
    }

    @Test
    void everyIndexAppearsExactlyOncePerShuffledEpoch() {
        for (int epoch = 0; epoch < 5; epoch++) {
            int[][] batches = BatchOrder.epochBatches(1001, 32, true, 42, epoch);
            int[] sorted = flatten(batches);
            Arrays.sort(sorted);

            assertEquals(32, batches.length);
            assertEquals(1001 - 31 * 32, batches[31].length);
            assertArrayEquals(IntStream.range(0, 1001).toArray(), sorted);
        }
    }

    @Test
    void shuffleIsDeterministicForSeedAndEpochAndDiffersOtherwise() {
        int[] epoch0 = flatten(BatchOrder.epochBatches(500, 16, true, 42, 0));
        int[] again = flatten(BatchOrder.epochBatches(500, 16, true, 42, 0));
        int[] epoch1 = flatten(BatchOrder.epochBatches(500, 16, true, 42, 1));
        int[] otherSeed = flatten(BatchOrder.epochBatches(500, 16, true, 43, 0));

        assertArrayEquals(epoch0, again);
        assertFalse(Arrays.equals(epoch0, epoch1));
        assertFalse(Arrays.equals(epoch0, otherSeed));
        assertFalse(Arrays.equals(epoch0, IntStream.range(0, 500).toArray()));
    }

    @Test
    void emptyDataHasNoBatchesAndBatchSizeMustBePositive() {
        assertEquals(0, BatchOrder.epochBatches(0, 8, true, 1, 0).length);
        assertThrows(IllegalArgumentException.class, () -> BatchOrder.epochBatches(10, 0, false, 1, 0));
    }
}
