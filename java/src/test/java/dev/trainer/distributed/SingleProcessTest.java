package dev.trainer.distributed;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SingleProcessTest {

    @Test
    void collectivesOfOneRankLeaveTheirBuffers() {
        try (Arena arena = Arena.ofConfined(); Collective c = new SingleProcess()) {
            float[] values = {1.5f, -2f, 3.25f};
            MemorySegment floats = arena.allocateFrom(JAVA_FLOAT, values);
            c.allReduceSum(floats, 3);
            c.broadcast(floats, 3);
            c.barrier();
            assertArrayEquals(values, floats.toArray(JAVA_FLOAT), 0f);
            double[] doubles = {0.1, 2};
            c.allReduceSum(doubles);
            assertArrayEquals(new double[] {0.1, 2}, doubles, 0);
            assertEquals(0, c.rank());
            assertEquals(1, c.size());
        }
    }

    @Test
    void badBuffersAreRefusedAsByEveryCollective() {
        try (Arena arena = Arena.ofConfined(); Collective c = new SingleProcess()) {
            MemorySegment three = arena.allocate(JAVA_FLOAT, 3);
            assertEquals("a segment of 12 bytes holds fewer than 4 floats",
                    assertThrows(IllegalArgumentException.class, () -> c.allReduceSum(three, 4)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.broadcast(three, -1));
            assertThrows(IllegalArgumentException.class, () -> c.allReduceSum(MemorySegment.ofArray(new float[4]), 4));
        }
    }

    @Test
    void aSingleProcessFailurePrintsOneLineWithoutARankAndReturnsItsCode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Collective c = new SingleProcess();
        assertEquals(0, JobFailure.agree(c, 0, null, err));
        assertEquals(2, JobFailure.agree(c, 2, "no such file: train.csv", err));
        JobFailure.abort(c, "disk full", 1, err);
        assertEquals("trainer: error: no such file: train.csv\ntrainer: error: disk full\n",
                bytes.toString(StandardCharsets.UTF_8));
    }
}
