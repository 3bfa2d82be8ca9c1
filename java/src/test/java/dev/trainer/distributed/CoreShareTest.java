package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreShareTest {

    @Test
    void theRanksOnANodeShareItsCores() {
        assertEquals(8, CoreShare.threadsPerRank(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "4"), 32));
        assertEquals(5, CoreShare.threadsPerRank(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "3"), 16));
        assertEquals(4, CoreShare.threadsPerRank(Map.of("SLURM_NTASKS_PER_NODE", "4"), 16));
    }

    @Test
    void aRankBoundToFewerCoresThanItsNodesRanksStillGetsOne() {
        // mpirun binds each of 2 ranks to a core of its own: the JVM then sees one core
        assertEquals(1, CoreShare.threadsPerRank(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "2"), 1));
    }

    @Test
    void slurmsCpusPerTaskAreTakenAsTheyAre() {
        assertEquals(6, CoreShare.threadsPerRank(Map.of("SLURM_CPUS_PER_TASK", "6", "SLURM_NTASKS_PER_NODE", "4"), 48));
    }

    @Test
    void withoutWordFromTheLauncherTheRuntimeDecides() {
        assertEquals(0, CoreShare.threadsPerRank(Map.of("PMIX_RANK", "1"), 16));
        assertEquals(0, CoreShare.threadsPerRank(Map.of("OMPI_COMM_WORLD_LOCAL_SIZE", "two"), 16));
    }
}
