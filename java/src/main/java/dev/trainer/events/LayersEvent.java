package dev.trainer.events;

import java.util.List;

/**
 * Gradient and update health per layer at one step, one {@link Layer} per group of parameter
 * tensors that share a module path ({@code fc1.weight} and {@code fc1.bias} form {@code fc1}), in
 * the order the groups first appear in the parameter buffer.
 *
 * @param step the step whose gradients and update were measured
 */
public record LayersEvent(long step, List<Layer> layers) implements TrainingEvent {

    public LayersEvent {
        layers = List.copyOf(layers);
    }

    /**
     * One layer's numbers; NaN where unknown (not measured, or missing from an event read back).
     *
     * @param name             the module path, the parameter names up to their last '.'
     * @param parameters       number of scalar parameters in the layer
     * @param gradNorm         L2 norm of the layer's gradient (after clipping)
     * @param paramNorm        L2 norm of the layer's parameters after the update
     * @param updateNorm       L2 norm of {@code θ_after − θ_before}
     * @param updateRatio      {@code updateNorm / paramNorm}; healthy training is often near 1e-3 per step
     * @param zeroGradFraction fraction of gradient entries exactly 0 (units that got no signal)
     * @param maxAbsGrad       largest gradient magnitude
     * @param lookup           the layer is a lookup table (an embedding read by Gather): a batch
     *                         reaches only its rows, so most of its gradient is zero by design
     */
    public record Layer(String name, long parameters, double gradNorm, double paramNorm, double updateNorm,
                        double updateRatio, double zeroGradFraction, double maxAbsGrad, boolean lookup) {
    }

    /** The layer of that name, or {@code null}. */
    public Layer layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
    }
}
