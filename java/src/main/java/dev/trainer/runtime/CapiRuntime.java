package dev.trainer.runtime;

/**
 * ONNX Runtime through its C API with I/O binding ({@link CapiTrainingSession}): on the host with
 * the CPU provider, or on a GPU with the CUDA provider, every buffer of the step in the placement.
 */
public final class CapiRuntime implements TrainingRuntime {

    private final Placement placement;

    /** A runtime whose sessions live in {@code placement}, which it then owns. */
    public CapiRuntime(Placement placement) {
        this.placement = placement;
    }

    @Override
    public Placement placement() {
        return placement;
    }

    @Override
    public TrainingSession open(TrainingPlan plan, int threads) {
        return new CapiTrainingSession(plan, threads, placement);
    }
}
