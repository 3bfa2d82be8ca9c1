package dev.trainer.distributed;

import dev.trainer.config.DistributedMode;
import java.util.Map;
import java.util.Optional;

/** Picks the {@link Collective} for this process from the launch and the requested mode. */
public final class Collectives {

    private Collectives() {
    }

    /**
     * The collective for this process: {@link MpiCollective} when the mode asks for MPI or finds a
     * launch, else {@link SingleProcess}. Close it when the run is over.
     *
     * @throws CollectiveException in one line when MPI is wanted but Open MPI is not installed, or
     *                             MPI did not join the processes the launcher started
     */
    public static Collective open(DistributedMode mode, Map<String, String> environment) {
        Optional<Launch> launch = Launch.detect(environment);
        boolean mpi = mode == DistributedMode.MPI || (mode == DistributedMode.AUTO && launch.isPresent());
        if (!mpi) {
            return new SingleProcess();
        }
        MpiCollective collective = MpiCollective.open(environment);
        try {
            launch.ifPresent(l -> l.requireJoinedBy(collective));
            return collective;
        } catch (RuntimeException e) {
            collective.close();
            throw e;
        }
    }

    /**
     * Whether {@link #open} would make this process one rank of several (a launcher started more
     * than one process and the mode does not keep it alone).
     */
    public static boolean joinsSeveralRanks(DistributedMode mode, Map<String, String> environment) {
        return mode != DistributedMode.NONE && Launch.detect(environment).map(l -> l.size() != 1).orElse(false);
    }
}
