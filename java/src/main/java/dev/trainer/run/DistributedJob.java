package dev.trainer.run;

import dev.trainer.config.RunConfig;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.distributed.Collective;
import dev.trainer.distributed.Collectives;
import dev.trainer.distributed.CoreShare;
import dev.trainer.distributed.JobFailure;

/**
 * A command's work on every process of its job: opens the {@link Collective} that the configured
 * {@code --distributed} mode and the launch call for (a single process unless an MPI launcher
 * started this one), hands it to the work, and closes it after.
 *
 * <p>A single process runs the work as it is; its exceptions pass through. In a job of several
 * ranks, the work gets the configuration with ONNX Runtime's threads shared out among the ranks on
 * a node ({@link CoreShare}) unless {@code --threads} set them, and every failure ends the whole
 * job with one message, because the other ranks wait in a collective that the failed rank will
 * never join: a failure the ranks agree on (bad input, a diverged loss) is printed once through
 * {@link #agree}; any other, a rank's own, is printed by that rank as
 * {@code trainer: error: rank R of N: MESSAGE} and aborts the job with the exit code the command
 * line would have used ({@link JobFailure#abort}). Every process takes part in one job: MPI can be
 * initialized once per process.
 */
public final class DistributedJob {

    /** What the ranks run. */
    @FunctionalInterface
    public interface Work<T> {
        /**
         * @param config the run's configuration, with the threads this rank should use
         * @param ranks  the job: a single process, or this rank of several
         */
        T run(RunConfig config, Collective ranks);
    }

    private DistributedJob() {
    }

    /**
     * Runs {@code work} as this process's part of its job.
     *
     * @throws dev.trainer.distributed.CollectiveException in one line when MPI is wanted but cannot be used
     */
    public static <T> T run(RunConfig config, Work<T> work) {
        Collective ranks = Collectives.open(config.runtime().distributed(), System.getenv());
        if (ranks.size() == 1) {
            try (ranks) {
                return work.run(config, ranks);
            }
        }
        T result;
        try {
            result = work.run(sharingCores(config), ranks);
        } catch (RuntimeException | Error e) {
            Failure failure = Failure.of(e);
            if (failure.internal()) {
                e.printStackTrace();
            }
            JobFailure.abort(ranks, failure.message(), failure.exitCode(), System.err);
            throw e; // reached only where aborting returns: a job simulated in one process
        }
        ranks.close();
        return result;
    }

    /**
     * Called by every rank of a job once it has read and checked its inputs, with what failed or
     * {@code null}, before any other collective: returns when no rank failed. Otherwise a single
     * process throws its failure, and a job of several ranks ends every rank, the lowest failing
     * rank printing its message ({@link JobFailure#agree}).
     */
    public static void agree(Collective ranks, RuntimeException failure) {
        if (ranks.size() == 1) {
            if (failure != null) {
                throw failure;
            }
            return;
        }
        Failure f = failure == null ? null : Failure.of(failure);
        JobFailure.agree(ranks, f == null ? 0 : f.exitCode(), f == null ? null : f.message(), System.err);
    }

    /** The configuration with this rank's share of the node's cores, unless {@code --threads} set a count. */
    private static RunConfig sharingCores(RunConfig config) {
        RuntimeConfig runtime = config.runtime();
        int threads = runtime.threads() > 0 ? runtime.threads()
                : CoreShare.threadsPerRank(System.getenv(), Runtime.getRuntime().availableProcessors());
        return config.with(new RuntimeConfig(runtime.device(), runtime.api(), threads, runtime.distributed(),
                runtime.recompute()));
    }
}
