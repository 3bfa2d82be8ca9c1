package dev.trainer.config;

/**
 * Where and how the graphs run.
 *
 * @param device  the device the step runs on
 * @param threads ONNX Runtime intra-op threads ({@code --threads}); 0 for its default, one per core
 */
public record RuntimeConfig(Device device, int threads) {

    /** The CPU with ONNX Runtime's default threads. */
    public static final RuntimeConfig DEFAULT = new RuntimeConfig(Device.CPU, 0);

    /** @throws IllegalArgumentException for a negative thread count */
    public RuntimeConfig {
        if (device == null) {
            throw new IllegalArgumentException("a device is required (Device.CPU by default)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        }
    }
}
