package dev.trainer.config;

/**
 * Whether a run joins a data-parallel job ({@code --distributed}): every process started by an
 * MPI launcher trains on its shard of each batch, and the processes sum their gradients.
 */
public enum DistributedMode implements OptionValue {
    /** Data-parallel when an MPI launcher ({@code mpirun}, {@code srun}) started the process, else alone. */
    AUTO,
    /** Data-parallel over MPI in any case: a process started without a launcher is a job of one rank. */
    MPI,
    /** Alone, even under a launcher: each process trains by itself. */
    NONE;

    /** {@code auto}, {@code mpi} or {@code none}, the {@code --distributed} values. */
    public static DistributedMode parse(String text) {
        return Specs.constant("--distributed", text, values(), DistributedMode::spec);
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
