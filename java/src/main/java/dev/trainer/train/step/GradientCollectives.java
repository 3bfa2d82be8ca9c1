package dev.trainer.train.step;

import dev.trainer.distributed.Collective;
import dev.trainer.distributed.NcclCollective;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.runtime.Placement;
import java.util.Map;

/**
 * Picks the collective that sums a step's gradients where its placement keeps them: the job's own
 * ranks (MPI) for host memory, NCCL over those ranks for a GPU's.
 */
final class GradientCollectives {

    private GradientCollectives() {
    }

    /**
     * The collective for the flat buffers in {@code placement}'s memory. When it is not
     * {@code ranks} itself, the caller owns it and closes it before {@code ranks}.
     *
     * @throws IllegalArgumentException for device memory that no collective here can reach
     * @throws dev.trainer.distributed.CollectiveException in one line when NCCL is needed but
     *                                                      not installed, or fails to start
     */
    static Collective open(Collective ranks, Placement placement, Map<String, String> environment) {
        if (ranks.size() == 1 || placement.isHost()) {
            return ranks;
        }
        if (placement instanceof CudaPlacement gpu) {
            return NcclCollective.open(ranks, gpu.stream(), environment);
        }
        throw new IllegalArgumentException("a job of " + ranks.size() + " ranks cannot sum gradients held in "
                + placement.getClass().getSimpleName() + " memory: only host memory (MPI) and CUDA devices (NCCL) can");
    }
}
