package dev.trainer.runtime;

/**
 * Which ONNX Runtime API a {@link TrainingSession} drives its graphs through. Both run the same
 * graphs on ORT's CPU provider and give bit-identical results; the C API is the one that can keep
 * every tensor on a GPU ({@link CapiTrainingSession}).
 */
public enum SessionRuntime {
    /** ORT's Java API: sessions run with tensors over the flat buffers. */
    JAVA_API,
    /** ORT's C API through FFM, with I/O binding. */
    C_API;

    /** The system property that picks the default: {@code -Dtrainer.runtime=java|capi}. */
    public static final String PROPERTY = "trainer.runtime";

    /**
     * The runtime {@code -Dtrainer.runtime} names, {@link #JAVA_API} when unset.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static SessionRuntime selected() {
        String value = System.getProperty(PROPERTY, "java");
        return switch (value) {
            case "java" -> JAVA_API;
            case "capi" -> C_API;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be java or capi, got " + value);
        };
    }
}
