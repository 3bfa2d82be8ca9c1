package dev.trainer.config;

/**
 * Where and how the graphs run.
 *
 * @param device      the device the step runs on
 * @param api         the ONNX Runtime API that runs the graphs ({@code --runtime}); null for the
 *                    default, {@link RuntimeApi#CAPI}
 * @param threads     ONNX Runtime intra-op threads ({@code --threads}); 0 for its default: one per
 *                    core, or in a data-parallel job the node's cores shared among its ranks
 * @param distributed whether the run joins a data-parallel job ({@code --distributed}); null for
 *                    {@code auto} (also a run.json written before {@code --distributed} existed)
 * @param recompute   what the backward computes again rather than keeping from the forward
 *                    ({@code --recompute}); null for {@link RecomputeMode#NONE}
 */
public record RuntimeConfig(Device device, RuntimeApi api, int threads, DistributedMode distributed,
                            RecomputeMode recompute) {

    /**
     * The CPU through the C API with ONNX Runtime's default threads, data-parallel when an MPI
     * launcher started the process, without activation checkpointing.
     */
    public static final RuntimeConfig DEFAULT = new RuntimeConfig(Device.CPU, RuntimeApi.CAPI, 0, DistributedMode.AUTO,
            RecomputeMode.NONE);

    /** @throws IllegalArgumentException for a missing device, a negative thread count, or a GPU with the Java API */
    public RuntimeConfig {
        if (device == null) {
            throw new IllegalArgumentException("a device is required (Device.CPU by default)");
        }
        if (api == null) {
            api = RuntimeApi.CAPI;
        }
        if (api == RuntimeApi.JAVA && !device.equals(Device.CPU)) {
            throw new IllegalArgumentException("--runtime java runs on the CPU only; --device " + device.spec()
                    + " needs --runtime capi");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
        if (distributed == null) {
            distributed = DistributedMode.AUTO;
        }
        if (recompute == null) {
            recompute = RecomputeMode.NONE;
        }
    }

    /**
     * On {@code device} with {@code threads} through the default API, data-parallel when an MPI
     * launcher started the process, without activation checkpointing.
     */
    public RuntimeConfig(Device device, int threads) {
        this(device, null, threads, null, null);
    }

    /** These settings with the backward recomputing as {@code recompute} says. */
    public RuntimeConfig with(RecomputeMode recompute) {
        return new RuntimeConfig(device, api, threads, distributed, recompute);
    }
}
