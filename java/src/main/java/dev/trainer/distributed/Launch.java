package dev.trainer.distributed;

import java.util.Map;
import java.util.Optional;

/**
 * How the launcher that started this process placed it: which launcher, this process's rank,
 * and how many processes it started. Read from the environment each launcher sets, before MPI
 * is initialized, so that a plain run never loads MPI.
 *
 * @param launcher what started the process, for messages
 * @param rank     this process's rank
 * @param size     the number of processes started, or 0 when the launcher does not say (PMIx)
 */
public record Launch(String launcher, int rank, int size) {

    /**
     * The launch the environment describes, if an MPI launcher started this process: Open MPI's
     * {@code mpirun} ({@code OMPI_COMM_WORLD_RANK}/{@code _SIZE}), a PMIx server such as
     * {@code srun --mpi=pmix} ({@code PMIX_RANK}), a PMI-1/2 launcher ({@code PMI_RANK}/{@code PMI_SIZE}),
     * or Slurm's {@code srun} with more than one task ({@code SLURM_PROCID}/{@code SLURM_NTASKS}).
     * A Slurm batch script's single task is not a launch.
     *
     * @throws IllegalArgumentException when one of these variables is not a number
     */
    public static Optional<Launch> detect(Map<String, String> environment) {
        if (environment.containsKey("OMPI_COMM_WORLD_SIZE")) {
            return Optional.of(new Launch("mpirun", number(environment, "OMPI_COMM_WORLD_RANK"),
                    number(environment, "OMPI_COMM_WORLD_SIZE")));
        }
        int slurmTasks = environment.containsKey("SLURM_NTASKS") ? number(environment, "SLURM_NTASKS") : 0;
        if (environment.containsKey("PMIX_RANK")) {
            return Optional.of(new Launch("PMIx", number(environment, "PMIX_RANK"), slurmTasks));
        }
        if (environment.containsKey("PMI_RANK") && environment.containsKey("PMI_SIZE")) {
            return Optional.of(new Launch("PMI", number(environment, "PMI_RANK"), number(environment, "PMI_SIZE")));
        }
        if (environment.containsKey("SLURM_PROCID") && slurmTasks > 1) {
            return Optional.of(new Launch("srun", number(environment, "SLURM_PROCID"), slurmTasks));
        }
        return Optional.empty();
    }

    private static int number(Map<String, String> environment, String name) {
        String value = environment.get(name);
        try {
            int n = Integer.parseInt(value == null ? "" : value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("the launcher set " + name + "=" + value + ", which is not a rank or a process count");
    }

    /**
     * Throws unless MPI joined as many processes as the launcher started, with this one at the
     * launcher's rank: {@code srun} without an MPI plugin starts processes that MPI then sees as
     * separate jobs of one rank each, which would all train alone and write the same outputs.
     */
    void requireJoinedBy(Collective collective) {
        boolean sizeKnown = size > 0;
        if ((sizeKnown && collective.size() != size) || collective.rank() != rank) {
            throw new CollectiveException(launcher + " started this process as rank " + rank
                    + (sizeKnown ? " of " + size : "") + ", but MPI sees rank " + collective.rank() + " of "
                    + collective.size() + ": start trainer with Open MPI's mpirun, or srun --mpi=pmix");
        }
    }
}
