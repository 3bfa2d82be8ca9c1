package dev.trainer.runtime;

/** ONNX Runtime through its Java API: the CPU provider, parameters and gradients in host memory. */
public final class OrtRuntime implements TrainingRuntime {

    private final HostPlacement host;

    public OrtRuntime(HostPlacement host) {
        this.host = host;
    }

    @Override
    public HostPlacement placement() {
        return host;
    }

    @Override
    public TrainingSession open(TrainingPlan plan, int threads) {
        return new OrtTrainingSession(plan, threads, host);
    }
}
