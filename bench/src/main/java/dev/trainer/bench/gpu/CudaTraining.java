package dev.trainer.bench.gpu;

import dev.trainer.config.LossKind;
import dev.trainer.kernels.CudaKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.CapiRuntime;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.runtime.TrainingPlan;
import dev.trainer.runtime.TrainingSession;
import dev.trainer.train.step.DeviceLoss;
import java.util.List;

/**
 * Everything a training step on the GPU needs, opened together and closed in order: the C-API
 * session on a {@link CudaPlacement}, the CUDA kernels on its stream, and the loss on the device.
 */
final class CudaTraining implements AutoCloseable {

    final CudaPlacement placement;
    final CapiRuntime runtime;
    final TrainingSession session;
    final CudaKernels kernels;
    final DeviceLoss loss;

    CudaTraining(OnnxModel model, List<String> trainable, String output, LossKind kind) {
        placement = CudaPlacement.claim(0);
        runtime = new CapiRuntime(placement);
        session = runtime.open(TrainingPlan.of(model, trainable, output, false, 42), 0);
        kernels = placement.kernels();
        loss = new DeviceLoss(kind, placement);
    }

    /** Floats in the flat buffers, gaps included: what the optimizer kernels run over. */
    long length() {
        return session.placed().length();
    }

    @Override
    public void close() {
        session.close();
        runtime.close();
    }
}
