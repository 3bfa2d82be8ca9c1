package dev.trainer.runtime;

import dev.trainer.data.Batch;
import java.lang.foreign.MemorySegment;

/** The loss of a batch's outputs against its labels, and its gradient with respect to the outputs. */
@FunctionalInterface
public interface LossFunction {

    /**
     * @param outputs      float32 model outputs, {@code outputShape}, batch first
     * @param dOutputs     float32, same size: written with d(loss)/d(outputs)
     * @return the loss of the batch
     */
    double lossAndGradient(MemorySegment outputs, long[] outputShape, Batch batch, MemorySegment dOutputs);
}
