package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failure policy on ranks simulated in one process, whose abort throws instead of ending the JVM. */
class JobFailureTest {

    @Test
    void theLowestFailingRankSpeaksAndEveryRankEndsWithItsCode() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int[] codes = {0, 2, 1, 0};
        List<String> outcomes = InProcessRanks.run(codes.length, c -> {
            try {
                return "went on with " + JobFailure.agree(c, codes[c.rank()], "rank " + c.rank() + "'s problem", err);
            } catch (IllegalStateException aborted) {
                return aborted.getMessage();
            }
        });
        assertEquals("trainer: error: rank 1 of 4: rank 1's problem\n", bytes.toString(StandardCharsets.UTF_8));
        for (int r = 0; r < codes.length; r++) {
            assertEquals("rank " + r + " aborted the job with exit code 2", outcomes.get(r));
        }
    }

    @Test
    void aFailureOfEveryRankIsTheJobsAndPrintedOnceWithoutARank() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> outcomes = InProcessRanks.run(3, c -> {
            try {
                return "went on with " + JobFailure.agree(c, 1, "training failed: the loss became NaN", err);
            } catch (IllegalStateException aborted) {
                return aborted.getMessage();
            }
        });
        assertEquals("trainer: error: training failed: the loss became NaN\n", bytes.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("rank 0 aborted the job with exit code 1", "rank 1 aborted the job with exit code 1",
                "rank 2 aborted the job with exit code 1"), outcomes);
    }

    @Test
    void withoutAFailureEveryRankGoesOn() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<Integer> outcomes = InProcessRanks.run(3, c -> JobFailure.agree(c, 0, null, err));
        assertEquals(List.of(0, 0, 0), outcomes);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
