package dev.trainer.runtime;

import dev.trainer.autodiff.TrainingGraphs;
import dev.trainer.config.RuntimeConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.InputSpec;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.onnx.ValueType;
import java.util.List;

/**
 * A model being trained on one runtime: its forward and backward graphs open, and its trainable
 * parameters bound in flat buffers ({@link #placed()}) whose gradients the backward graph writes.
 * A {@link #step} runs forward, the loss and backward; updating the parameters is the optimizer's
 * business. Runtimes make these from a {@link TrainingPlan} ({@link TrainingRuntime#open}).
 *
 * <p>Owns the sessions and the parameter buffers: close it when done.
 */
public interface TrainingSession extends Predictor, AutoCloseable {

    /** Plans and opens a session on the default CPU runtime, Dropout inactive, ONNX Runtime's default threads. */
    static TrainingSession open(OnnxModel model, List<String> trainable, String output) {
        return open(model, trainable, output, SessionOptions.DEFAULT);
    }

    /**
     * Plans and opens a session on the default CPU runtime ({@link RuntimeConfig#DEFAULT}'s API) with
     * the given Dropout and thread options. Its runtime holds nothing to close on the host.
     */
    static TrainingSession open(OnnxModel model, List<String> trainable, String output, SessionOptions options) {
        return TrainingRuntime.of(RuntimeConfig.DEFAULT, Kernels.defaultKernels()).open(
                TrainingPlan.of(model, trainable, output, options.dropout(), options.seed(), RuntimeConfig.DEFAULT.recompute()),
                options.threads());
    }

    /** What the session was opened from. */
    TrainingPlan plan();

    /**
     * The trainable parameters and their gradients on the host: the buffers the graphs use, or,
     * when they run on a device, the host copy of those (brought up to date when read).
     */
    ParameterBuffer parameters();

    /** The flat parameter and gradient buffers where the graphs use them, and where the step updates them. */
    PlacedParameters placed();

    /**
     * Runs forward, loss and backward on a batch; afterwards {@link PlacedParameters#gradients()}
     * holds the gradient of the returned loss. The loss function receives the output and writes
     * its gradient in the runtime's placement.
     *
     * @param draw numbers this forward pass among the run's training passes: its Dropout masks are
     *             a function of it and the plan's seed alone ({@link TrainingPlan#dropoutKeys})
     */
    double step(Batch batch, long draw, LossFunction loss);

    /** A step with the random draws of draw 0: for a one-off step; a training loop numbers its draws. */
    default double step(Batch batch, LossFunction loss) {
        return step(batch, 0, loss);
    }

    /** The inputs a batch fills. */
    default List<InputSpec> inputs() {
        return plan().inputs();
    }

    /** The output the loss reads. */
    default String output() {
        return plan().output();
    }

    default ValueType outputType() {
        return plan().outputType();
    }

    default TrainingGraphs graphs() {
        return plan().graphs();
    }

    /** Whether the model's Dropout nodes are active in training steps (and inactive in predictions). */
    default boolean dropoutActive() {
        return plan().dropoutActive();
    }

    @Override
    void close();
}
