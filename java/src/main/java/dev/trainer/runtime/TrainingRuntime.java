package dev.trainer.runtime;

import dev.trainer.config.Device;

/**
 * What training needs of a runtime: open a {@link TrainingPlan}'s forward and backward graphs
 * with the flat parameter and gradient buffers bound, ready to {@link TrainingSession#step step}
 * and predict. The CPU's runtime is ONNX Runtime's Java API ({@link OrtRuntime}); a device runtime
 * (ONNX Runtime's C API with IoBinding, for CUDA) implements the same two calls.
 */
public interface TrainingRuntime {

    /**
     * The runtime for a device.
     *
     * @throws IllegalArgumentException for a device this build cannot train on
     */
    static TrainingRuntime of(Device device) {
        if (device.equals(Device.CPU)) {
            return OrtRuntime.INSTANCE;
        }
        throw new IllegalArgumentException("--device " + device.spec() + ": this build trains on the CPU only");
    }

    /**
     * Opens the plan's graphs with its parameters bound.
     *
     * @param threads intra-op threads; 0 for the runtime's default
     */
    TrainingSession open(TrainingPlan plan, int threads);
}
