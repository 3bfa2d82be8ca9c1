package dev.trainer.runtime;

/** The CPU runtime: ONNX Runtime through its Java API, parameters and gradients in host memory. */
public final class OrtRuntime implements TrainingRuntime {

    /** The one instance; it holds no state. */
    public static final OrtRuntime INSTANCE = new OrtRuntime();

    private OrtRuntime() {
    }

    @Override
    public TrainingSession open(TrainingPlan plan, int threads) {
        return new OrtTrainingSession(plan, threads);
    }
}
