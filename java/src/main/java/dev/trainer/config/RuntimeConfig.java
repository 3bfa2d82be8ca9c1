package dev.trainer.config;

/**
 * Where and how the graphs run.
 *
 * @param device      the device the step runs on
 * @param threads     ONNX Runtime intra-op threads ({@code --threads}); 0 for its default: one per
 *                    core, or in a data-parallel job the node's cores shared among its ranks
 * @param distributed whether the run joins a data-parallel job ({@code --distributed})
 */
public record RuntimeConfig(Device device, int threads, DistributedMode distributed) {

    /** The CPU with ONNX Runtime's default threads, data-parallel when an MPI launcher started the process. */
    public static final RuntimeConfig DEFAULT = new RuntimeConfig(Device.CPU, 0, DistributedMode.AUTO);

    /**
     * A missing mode (a run.json written before {@code --distributed} existed) is {@code auto}.
     *
     * @throws IllegalArgumentException for a missing device or a negative thread count
     */
    public RuntimeConfig {
        if (device == null) {
            throw new IllegalArgumentException("a device is required (Device.CPU by default)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        if (distributed == null) {
            distributed = DistributedMode.AUTO;
        }
    }

    /** On {@code device} with {@code threads}, data-parallel when an MPI launcher started the process. */
    public RuntimeConfig(Device device, int threads) {
        this(device, threads, DistributedMode.AUTO);
    }
}
