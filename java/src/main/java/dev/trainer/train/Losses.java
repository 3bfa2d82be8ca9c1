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

    /**
     * A loss of outputs against labels given as raw memory, so that mixup can call it with its
     * partners' labels too.
     */
    @FunctionalInterface
    interface LabelledLoss {
        double apply(MemorySegment outputs, long[] shape, MemorySegment labels, long labelCount, MemorySegment dOutputs);
    }

    public static LossFunction of(LossKind kind, Kernels kernels) {
        return of(kind, kernels, MemorySegment.NULL);
    }

    /** The loss, with per-class weights (float32 [classes]) for cross-entropy, or NULL for none. */
    public static LossFunction of(LossKind kind, Kernels kernels, MemorySegment classWeights) {
        LabelledLoss loss = labelled(kind, kernels, classWeights);
        return (outputs, shape, batch, dOutputs) -> {
            HostTensor labels = batch.labels();
            return loss.apply(outputs, shape, MemorySegment.ofBuffer(labels.data()),
                    TensorTypes.elementCount(labels.shape()), dOutputs);
        };
    }

    static LabelledLoss labelled(LossKind kind, Kernels kernels, MemorySegment classWeights) {
        return switch (kind) {
            case CROSS_ENTROPY -> (outputs, shape, labels, labelCount, dOutputs) -> {
                long n = shape[0];
                long classes = TensorTypes.elementCount(shape) / Math.max(1, n);
                return kernels.softmaxCrossEntropy(outputs, labels, n, classes, classWeights, MemorySegment.NULL,
                        0f, IGNORE_INDEX, dOutputs);
            };
            case MSE -> (outputs, shape, labels, labelCount, dOutputs) -> {
                long count = TensorTypes.elementCount(shape);
                if (labelCount != count) {
                    throw new DataException("regression targets hold " + labelCount
                            + " values per batch but the model's output holds " + count);
                }
                return kernels.meanSquaredError(outputs, labels, count, dOutputs);
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
