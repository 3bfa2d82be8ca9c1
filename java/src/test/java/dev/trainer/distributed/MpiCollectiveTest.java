package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link MpiCollective} in real jobs of two ranks under Open MPI's {@code mpirun} (skipped when it
 * is not installed), each rank a JVM running {@link MpiCheck}. {@code -q} keeps mpirun's own
 * banners out, so what remains is what trainer printed.
 */
class MpiCollectiveTest {

    /** Far beyond a healthy job's few seconds; a rank left waiting in a collective would hang forever. */
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void twoRanksSumFloatsInChunksAndDoublesAndBroadcastFromRankZero() throws Exception {
        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, MpiCheck.class, TIMEOUT_SECONDS, "sums");
        assertEquals(0, job.exitCode(), job.toString());
        assertTrue(job.stdout().contains("rank 0 ok: float and double sums, broadcast and barrier (Open MPI v"), job.toString());
        assertTrue(job.stdout().contains("rank 1 ok: "), job.toString());
        assertFalse(job.stdout().contains("wrong"), job.toString());
        assertTrue(job.stdout().contains("rank 1 after close: the MPI collective is closed (MPI_Finalize ran);"
                + " MPI was already initialized in this process; it can be only once, so a process takes part in one"
                + " data-parallel run"), job.toString());
    }

    @Test
    void aRankThatFailsEndsEveryRankWithOneMessageAndItsExitCode() throws Exception {
        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, MpiCheck.class, TIMEOUT_SECONDS, "throw");
        assertEquals(3, job.exitCode(), job.toString());
        assertEquals(List.of("trainer: error: rank 1 of 2: injected failure in step 3"), job.stderrLines(), job.toString());
    }

    @Test
    void aFailureEveryRankChecksIsPrintedOnceByTheLowestFailingRank() throws Exception {
        Mpirun.Outcome job = Mpirun.run(List.of("-q"), 2, MpiCheck.class, TIMEOUT_SECONDS, "agree");
        assertEquals(2, job.exitCode(), job.toString());
        assertEquals(List.of("trainer: error: rank 1 of 2: no such file: train.csv"), job.stderrLines(), job.toString());
        assertFalse(job.stdout().contains("went on"), job.toString());
    }

    @Test
    @Tag("slow")
    void aKilledRankEndsTheJobAndTheLauncherNamesIt() throws Exception {
        Mpirun.Outcome job = Mpirun.run(List.of(), 2, MpiCheck.class, TIMEOUT_SECONDS, "kill");
        assertNotEquals(0, job.exitCode(), job.toString());
        assertTrue(job.stderr().contains("rank 1") && job.stderr().contains("signal 9"), job.toString());
        assertFalse((job.stdout() + job.stderr()).contains("Exception"), job.toString());
    }
}
