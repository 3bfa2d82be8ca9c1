package dev.trainer.distributed;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.config.DistributedMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectivesTest {

    private static final Map<String, String> TWO_RANKS = Map.of("OMPI_COMM_WORLD_RANK", "1", "OMPI_COMM_WORLD_SIZE", "2");
    private static final Map<String, String> ONE_RANK = Map.of("OMPI_COMM_WORLD_RANK", "0", "OMPI_COMM_WORLD_SIZE", "1");

    @Test
    void aProcessIsOneOfSeveralRanksOnlyWhenALauncherStartedSeveralAndTheModeLetsItJoin() {
        assertTrue(Collectives.joinsSeveralRanks(DistributedMode.AUTO, TWO_RANKS));
        assertTrue(Collectives.joinsSeveralRanks(DistributedMode.MPI, TWO_RANKS));
        assertFalse(Collectives.joinsSeveralRanks(DistributedMode.NONE, TWO_RANKS), "--distributed none trains alone");
        assertFalse(Collectives.joinsSeveralRanks(DistributedMode.AUTO, ONE_RANK));
        assertFalse(Collectives.joinsSeveralRanks(DistributedMode.MPI, Map.of()), "MPI without a launcher is a job of one");
    }
}
