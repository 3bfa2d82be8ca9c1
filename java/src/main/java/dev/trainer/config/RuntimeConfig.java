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
 */
public record RuntimeConfig(Device device, RuntimeApi api, int threads, DistributedMode distributed) {

    /**
     * The CPU through the C API with ONNX Runtime's default threads, data-parallel when an MPI
     * launcher started the process.
     */
    public static final RuntimeConfig DEFAULT = new RuntimeConfig(Device.CPU, RuntimeApi.CAPI, 0, DistributedMode.AUTO);

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
    }

    /** On {@code device} with {@code threads} through the default API, data-parallel when an MPI launcher started the process. */
    public RuntimeConfig(Device device, int threads) {
        this(device, null, threads, null);
    }
}
