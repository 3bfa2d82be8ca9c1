package dev.trainer.train.step;

import dev.trainer.config.LossConfig;
import dev.trainer.config.LossKind;
import dev.trainer.data.Batch;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.runtime.LossFunction;
import java.lang.foreign.MemorySegment;

/**
 * A loss on the GPU, for a session whose outputs live in device memory: each call stages the
 * batch's labels on the device (the only bytes it sends) and runs the loss kernel there; the loss
 * value is the only thing read back.
 */
public final class DeviceLoss implements LossFunction {

    private final CudaPlacement placement;
    private final Losses.LabelledLoss loss;

    /** The loss {@code kind} on the placement's kernels; no class weights. */
    public DeviceLoss(LossKind kind, CudaPlacement placement) {
        this.placement = placement;
        this.loss = Losses.labelled(new LossConfig(kind, 0), placement.kernels(), MemorySegment.NULL);
    }

    @Override
    public double lossAndGradient(MemorySegment outputs, long[] outputShape, Batch batch, MemorySegment dOutputs) {
        MemorySegment labels = placement.stage("labels", MemorySegment.ofBuffer(batch.labels().data()));
        return loss.apply(outputs, outputShape, labels, TensorTypes.elementCount(batch.labels().shape()),
                MemorySegment.NULL, dOutputs);
    }
}
