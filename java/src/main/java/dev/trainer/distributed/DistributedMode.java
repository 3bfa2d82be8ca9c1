package dev.trainer.distributed;

/** Whether a run joins a data-parallel job: {@code --distributed auto|mpi|none}. */
public enum DistributedMode {
    /** MPI when an MPI launcher started the process ({@link Launch#detect}), else a single process. */
    AUTO,
    /** MPI in any case: a process started without a launcher is a job of one rank. */
    MPI,
    /** A single process, even under a launcher: each process trains alone. */
    NONE
}
