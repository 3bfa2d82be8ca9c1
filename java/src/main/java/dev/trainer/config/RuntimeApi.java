package dev.trainer.config;

/**
 * Which of ONNX Runtime's APIs drives the graphs ({@code --runtime}). Both run the same graphs
 * with the same results; only the C API binds tensors in device memory, so a GPU needs it.
 */
public enum RuntimeApi implements OptionValue {
    /** ONNX Runtime's C API through FFM, with I/O binding: the CPU or a GPU. */
    CAPI,
    /** ONNX Runtime's Java API: the CPU only. */
    JAVA;

    /** {@code capi} or {@code java}, the {@code --runtime} values. */
    public static RuntimeApi parse(String text) {
        return Specs.constant("--runtime", text, values(), RuntimeApi::spec);
    }

    @Override
    public String spec() {
        return Specs.lowerHyphenated(this);
    }
}
