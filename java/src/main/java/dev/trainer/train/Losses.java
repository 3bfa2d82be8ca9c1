package dev.trainer.train;

import dev.trainer.data.Batch;
import dev.trainer.data.DataException;
import dev.trainer.data.HostTensor;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.LossFunction;
import java.lang.foreign.MemorySegment;
import java.nio.IntBuffer;

/** The loss kernels as {@link LossFunction}s over a batch's labels. */
public final class Losses {

    /** PyTorch's default ignore index: labels equal to it count for nothing. */
    static final int IGNORE_INDEX = -100;

    private Losses() {
    }

    public static LossFunction of(LossKind kind, Kernels kernels) {
        return switch (kind) {
            case CROSS_ENTROPY -> (outputs, shape, batch, dOutputs) -> {
                long n = shape[0];
                long classes = TensorTypes.elementCount(shape) / Math.max(1, n);
                MemorySegment labels = MemorySegment.ofBuffer(batch.labels().data());
                return kernels.softmaxCrossEntropy(outputs, labels, n, classes, MemorySegment.NULL, MemorySegment.NULL,
                        0f, IGNORE_INDEX, dOutputs);
            };
            case MSE -> (outputs, shape, batch, dOutputs) -> {
                long count = TensorTypes.elementCount(shape);
                HostTensor targets = batch.labels();
                if (TensorTypes.elementCount(targets.shape()) != count) {
                    throw new DataException("regression targets hold " + TensorTypes.elementCount(targets.shape())
                            + " values per batch but the model's output holds " + count);
                }
                return kernels.meanSquaredError(outputs, MemorySegment.ofBuffer(targets.data()), count, dOutputs);
            };
        };
    }

    /** Index of the largest logit of each row: the predicted class. */
    public static int[] argmax(float[] logits, int rows) {
        int classes = logits.length / Math.max(1, rows);
        int[] predicted = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[r * classes + c] > logits[r * classes + best]) {
                    best = c;
                }
            }
            predicted[r] = best;
        }
        return predicted;
    }

    /** Class labels of a batch as Java ints. */
    public static int[] classes(Batch batch) {
        IntBuffer ints = batch.labels().data().asIntBuffer();
        int[] out = new int[ints.remaining()];
        ints.get(out);
        return out;
    }
}
