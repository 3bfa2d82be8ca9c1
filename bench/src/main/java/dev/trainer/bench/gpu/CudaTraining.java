package dev.trainer.bench.gpu;

import dev.trainer.kernels.CudaKernels;
import dev.trainer.onnx.OnnxModel;
import dev.trainer.runtime.CapiTrainingSession;
import dev.trainer.runtime.CudaPlacement;
import dev.trainer.runtime.SessionOptions;
import dev.trainer.train.DeviceLoss;
import dev.trainer.train.LossKind;
import java.util.List;

/**
 * Everything a training step on the GPU needs, opened together and closed in order: the C-API
 * session on a {@link CudaPlacement}, the CUDA kernels on its stream, and the loss on the device.
 */
final class CudaTraining implements AutoCloseable {

    final CudaPlacement placement;
    final CapiTrainingSession session;
    final CudaKernels kernels;
    final DeviceLoss loss;

    CudaTraining(OnnxModel model, List<String> trainable, String output, SessionOptions options, LossKind kind) {
        placement = new CudaPlacement(0);
        session = CapiTrainingSession.open(model, trainable, output, options, placement);
        kernels = new CudaKernels(placement.cuda(), placement.stream());
        loss = new DeviceLoss(kind, placement.cuda(), placement.stream(), kernels);
    }

    /** Floats in the flat buffers, gaps included: what the optimizer kernels run over. */
    long length() {
        return session.parameters().length();
    }

    @Override
    public void close() {
        loss.close();
        kernels.close();
        session.close();
    }
}
