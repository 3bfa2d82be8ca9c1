package dev.trainer.config;

/**
 * Where and how the graphs run.
 *
 * @param device  the device the step runs on
 * @param api     the ONNX Runtime API that runs the graphs ({@code --runtime}); null for the default,
 *                {@link RuntimeApi#CAPI}
 * @param threads ONNX Runtime intra-op threads ({@code --threads}); 0 for its default, one per core
 */
public record RuntimeConfig(Device device, RuntimeApi api, int threads) {

    /** The CPU through the C API with ONNX Runtime's default threads. */
    public static final RuntimeConfig DEFAULT = new RuntimeConfig(Device.CPU, RuntimeApi.CAPI, 0);

    /** @throws IllegalArgumentException for a negative thread count, or a GPU with the Java API */
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
    }

    /** The device and threads through the default API. */
    public RuntimeConfig(Device device, int threads) {
        this(device, null, threads);
    }
}
