package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trainer.data.BatchOrder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchShardsTest {

    @Test
    void ranksTakeContiguousSlicesOfTheSingleProcessOrder() {
        int perRank = 16;
        int ranks = 2;
        int[][] global = BatchOrder.epochBatches(100, BatchShards.globalBatchSize(perRank, ranks), true, 42, 3);
        int[][] rank0 = BatchShards.ofEpoch(global, 0, ranks);
        int[][] rank1 = BatchShards.ofEpoch(global, 1, ranks);
        assertEquals(4, global.length);
        for (int b = 0; b < global.length; b++) {
            assertArrayEquals(global[b], IntStream.concat(IntStream.of(rank0[b]), IntStream.of(rank1[b])).toArray());
        }
        assertEquals(16, rank0[0].length);
        assertEquals(16, rank1[2].length);
        // the last global batch holds 100 - 3 * 32 = 4 samples: two each
        assertArrayEquals(new int[] {global[3][0], global[3][1]}, rank0[3]);
        assertArrayEquals(new int[] {global[3][2], global[3][3]}, rank1[3]);
    }

    @Test
    void unevenBatchesDifferByAtMostOneAndABatchShorterThanTheRanksLeavesEmptyShards() {
        int[] batch = {7, 3, 9, 1, 4};
        assertArrayEquals(new int[] {7}, BatchShards.of(batch, 0, 3));
        assertArrayEquals(new int[] {3, 9}, BatchShards.of(batch, 1, 3));
        assertArrayEquals(new int[] {1, 4}, BatchShards.of(batch, 2, 3));
        int[] two = {5, 6};
        assertArrayEquals(new int[] {}, BatchShards.of(two, 0, 4));
        assertArrayEquals(new int[] {5}, BatchShards.of(two, 1, 4));
        assertArrayEquals(new int[] {}, BatchShards.of(two, 2, 4));
        assertArrayEquals(new int[] {6}, BatchShards.of(two, 3, 4));
    }

    @Test
    void aRankOutsideTheJobOrAnOverflowingBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BatchShards.of(new int[] {1}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> BatchShards.globalBatchSize(0, 2));
        assertThrows(ArithmeticException.class, () -> BatchShards.globalBatchSize(1 << 20, 1 << 12));
    }
}
