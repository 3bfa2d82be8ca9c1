package dev.trainer.distributed;

import java.util.Map;

/**
 * How many cores one rank of a job should compute on, so that the ranks sharing a node do not
 * fight over its cores: ONNX Runtime's default, one thread per core of the machine, would give
 * every rank all of them.
 */
public final class CoreShare {

    private CoreShare() {
    }

    /**
     * Threads for one rank: Slurm's CPUs per task when it sets them ({@code SLURM_CPUS_PER_TASK});
     * otherwise the cores this process may use divided among the ranks on its node
     * ({@code OMPI_COMM_WORLD_LOCAL_SIZE} from Open MPI's {@code mpirun}, or Slurm's
     * {@code SLURM_NTASKS_PER_NODE}), at least 1; 0, the runtime's default, when the launcher says
     * neither.
     *
     * @param cores the cores this process may use, as the JVM sees them (after any binding by the launcher)
     */
    public static int threadsPerRank(Map<String, String> environment, int cores) {
        int perTask = positive(environment, "SLURM_CPUS_PER_TASK");
        if (perTask > 0) {
            return perTask;
        }
        int ranksOnNode = positive(environment, "OMPI_COMM_WORLD_LOCAL_SIZE");
        if (ranksOnNode == 0) {
            ranksOnNode = positive(environment, "SLURM_NTASKS_PER_NODE");
        }
        return ranksOnNode == 0 ? 0 : Math.max(1, cores / ranksOnNode);
    }

    /** The variable's value when it is a positive integer, else 0. */
    private static int positive(Map<String, String> environment, String name) {
        try {
            return Math.max(0, Integer.parseInt(environment.getOrDefault(name, "").strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
