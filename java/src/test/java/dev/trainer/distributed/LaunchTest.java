package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.DistributedMode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LaunchTest {

    @Test
    void openMpisMpirunIsRecognizedBeforeThePmixItAlsoSets() {
        Optional<Launch> launch = Launch.detect(Map.of("OMPI_COMM_WORLD_RANK", "1", "OMPI_COMM_WORLD_SIZE", "4",
                "PMIX_RANK", "1"));
        assertEquals(Optional.of(new Launch("mpirun", 1, 4)), launch);
    }

    @Test
    void pmixPmiAndSlurmLaunchesAreRecognized() {
        assertEquals(Optional.of(new Launch("PMIx", 2, 3)),
                Launch.detect(Map.of("PMIX_RANK", "2", "SLURM_PROCID", "2", "SLURM_NTASKS", "3")));
        assertEquals(Optional.of(new Launch("PMIx", 0, 0)), Launch.detect(Map.of("PMIX_RANK", "0")));
        assertEquals(Optional.of(new Launch("PMI", 3, 8)), Launch.detect(Map.of("PMI_RANK", "3", "PMI_SIZE", "8")));
        assertEquals(Optional.of(new Launch("srun", 1, 2)), Launch.detect(Map.of("SLURM_PROCID", "1", "SLURM_NTASKS", "2")));
    }

    @Test
    void aPlainProcessAndASlurmBatchScriptAreNoLaunch() {
        assertEquals(Optional.empty(), Launch.detect(Map.of("PATH", "/usr/bin")));
        assertEquals(Optional.empty(), Launch.detect(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "1", "SLURM_JOB_ID", "7")));
    }

    @Test
    void aVariableThatIsNotANumberIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Launch.detect(Map.of("OMPI_COMM_WORLD_SIZE", "2", "OMPI_COMM_WORLD_RANK", "x")));
        assertEquals("the launcher set OMPI_COMM_WORLD_RANK=x, which is not a rank or a process count", e.getMessage());
    }

    @Test
    void processesThatMpiDidNotJoinAreRefused() {
        var e = assertThrows(CollectiveException.class, () -> new Launch("srun", 1, 4).requireJoinedBy(new SingleProcess()));
        assertEquals("srun started this process as rank 1 of 4, but MPI sees rank 0 of 1: start trainer with Open MPI's"
                + " mpirun, or srun --mpi=pmix", e.getMessage());
        new Launch("PMIx", 0, 0).requireJoinedBy(new SingleProcess());
    }

    @Test
    void withoutALaunchOrWhenToldNoneTheProcessRunsAlone() {
        assertInstanceOf(SingleProcess.class, Collectives.open(DistributedMode.AUTO, Map.of()));
        assertInstanceOf(SingleProcess.class, Collectives.open(DistributedMode.NONE,
                Map.of("OMPI_COMM_WORLD_RANK", "0", "OMPI_COMM_WORLD_SIZE", "2")));
    }

    @Test
    void askingForMpiWithoutOpenMpiSaysWhatToInstallInOneLine() {
        var e = assertThrows(CollectiveException.class, () -> Collectives.open(DistributedMode.MPI,
                Map.of(MpiLibrary.LIBRARY_VARIABLE, "/nonexistent/libmpi.so.40")));
        assertEquals("cannot load Open MPI (tried /nonexistent/libmpi.so.40): install it (Debian/Ubuntu: apt-get install"
                + " openmpi-bin libopenmpi-dev) or set TRAINER_MPI_LIBRARY to its libmpi.so", e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1);
    }
}
