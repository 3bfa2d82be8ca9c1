package dev.trainer.runtime;

import dev.trainer.config.RuntimeApi;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.kernels.Kernels;

/**
 * What training needs of a runtime: open a {@link TrainingPlan}'s forward and backward graphs
 * with the flat parameter and gradient buffers bound, ready to {@link TrainingSession#step step}
 * and predict, all in one {@link Placement} (host memory, or a GPU's) that the step's kernels
 * also compute in. ONNX Runtime's Java API ({@link OrtRuntime}, the host only) or its C API with
 * I/O binding ({@link CapiRuntime}, the host or a GPU).
 *
 * <p>Owns its placement: close it after every session it opened.
 */
public interface TrainingRuntime extends AutoCloseable {

    /**
     * The runtime a configuration asks for.
     *
     * @param hostKernels the kernels a step runs with on the host (a device brings its own)
     * @throws IllegalArgumentException for a device this machine or build cannot train on, naming
     *                                  in one line what is missing
     */
    static TrainingRuntime of(RuntimeConfig config, Kernels hostKernels) {
        if (config.device().kind().equals("cpu")) {
            HostPlacement host = new HostPlacement(hostKernels);
            return config.api() == RuntimeApi.JAVA ? new OrtRuntime(host) : new CapiRuntime(host);
        }
        return new CapiRuntime(CudaPlacement.claim(config.device().index()));
    }

    /** Where the sessions keep their buffers, and the kernels for that memory. */
    Placement placement();

    /**
     * Opens the plan's graphs with its parameters bound.
     *
     * @param threads intra-op threads; 0 for the runtime's default
     */
    TrainingSession open(TrainingPlan plan, int threads);

    @Override
    default void close() {
        placement().close();
    }
}
