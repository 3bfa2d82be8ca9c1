package dev.trainer.train;

import dev.trainer.kernels.Kernels;
import dev.trainer.runtime.ParameterBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Applies one optimizer's update to the whole flat parameter buffer, in place, through the
 * kernels; owns the optimizer state (velocity, or Adam's moments), laid out like the parameters.
 */
public final class Optimizer implements AutoCloseable {

    static final float ADAM_BETA1 = 0.9f;
    static final float ADAM_BETA2 = 0.999f;
    static final float ADAM_EPSILON = 1e-8f;

    private final OptimizerKind kind;
    private final Kernels kernels;
    private final float weightDecay;
    private final float momentum;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment first;
    private final MemorySegment second;
    private long steps;

    public Optimizer(OptimizerKind kind, Kernels kernels, long length, double weightDecay, double momentum) {
        this.kind = kind;
        this.kernels = kernels;
        this.weightDecay = (float) weightDecay;
        this.momentum = kind == OptimizerKind.MOMENTUM ? (float) momentum : 0f;
        boolean moments = kind == OptimizerKind.ADAM || kind == OptimizerKind.ADAMW;
        first = kind == OptimizerKind.SGD ? MemorySegment.NULL : arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, length));
        second = moments ? arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, length)) : MemorySegment.NULL;
    }

    /** Updates the parameters from their gradients with the given learning rate. */
    public void step(ParameterBuffer parameters, double learningRate) {
        steps++;
        float lr = (float) learningRate;
        switch (kind) {
            case SGD, MOMENTUM -> kernels.sgd(parameters.values(), parameters.gradients(), first, parameters.length(),
                    lr, momentum, false, weightDecay);
            case ADAM, ADAMW -> kernels.adam(parameters.values(), parameters.gradients(), first, second,
                    parameters.length(), lr, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, weightDecay,
                    kind == OptimizerKind.ADAMW, steps);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
