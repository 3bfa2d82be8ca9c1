package dev.trainer.train.step;

import dev.trainer.config.LossConfig;
import dev.trainer.config.LossKind;
import dev.trainer.data.Batch;
import dev.trainer.DataException;
import dev.trainer.data.HostTensor;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.LossFunction;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.IntBuffer;

/** The loss kernels as {@link LossFunction}s over a batch's labels. */
public final class Losses {

    /** PyTorch's default ignore index: labels equal to it count for nothing. */
    public static final int IGNORE_INDEX = -100;

    private Losses() {
    }

    /**
     * A loss of outputs against labels (and per-sample weights, or NULL) given as raw memory, so
     * that mixup can call it with its partners' labels too.
     */
    @FunctionalInterface
    interface LabelledLoss {
        double apply(MemorySegment outputs, long[] shape, MemorySegment labels, long labelCount,
                     MemorySegment sampleWeights, MemorySegment dOutputs);
    }

    /** The plain loss, as validation and evaluation score: no class or sample weights, no smoothing. */
    public static LossFunction of(LossKind kind, Kernels kernels) {
        LabelledLoss loss = labelled(new LossConfig(kind, 0), kernels, MemorySegment.NULL);
        return (outputs, shape, batch, dOutputs) -> loss.apply(outputs, shape, labels(batch),
                TensorTypes.elementCount(batch.labels().shape()), MemorySegment.NULL, dOutputs);
    }

    static MemorySegment labels(Batch batch) {
        return MemorySegment.ofBuffer(batch.labels().data());
    }

    /** The batch's per-sample weights, or NULL when its samples weigh alike. */
    static MemorySegment sampleWeights(Batch batch) {
        HostTensor weights = batch.sampleWeights();
        return weights == null ? MemorySegment.NULL : MemorySegment.ofBuffer(weights.data());
    }

    static LabelledLoss labelled(LossConfig config, Kernels kernels, MemorySegment classWeights) {
        float smoothing = (float) config.labelSmoothing();
        return switch (config.kind()) {
            case CROSS_ENTROPY -> (outputs, shape, labels, labelCount, sampleWeights, dOutputs) -> {
                long n = shape[0];
                long classes = TensorTypes.elementCount(shape) / Math.max(1, n);
                return kernels.softmaxCrossEntropy(outputs, labels, n, classes, classWeights, sampleWeights,
                        smoothing, IGNORE_INDEX, dOutputs);
            };
            case MSE -> (outputs, shape, labels, labelCount, sampleWeights, dOutputs) -> {
                long count = TensorTypes.elementCount(shape);
                if (labelCount != count) {
                    throw new DataException("regression targets hold " + labelCount
                            + " values per batch but the model's output holds " + count);
                }
                return kernels.meanSquaredError(outputs, labels, count, dOutputs);
            };
        };
    }

    /** Index of the largest of each row's {@code classes} float32 values: the predicted class. */
    public static int[] argmax(MemorySegment outputs, int rows, long classes) {
        int[] predicted = new int[rows];
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (outputs.getAtIndex(ValueLayout.JAVA_FLOAT, r * classes + c)
                        > outputs.getAtIndex(ValueLayout.JAVA_FLOAT, r * classes + best)) {
                    best = c;
                }
            }
            predicted[r] = best;
        }
        return predicted;
    }

    /** As {@link #argmax(MemorySegment, int, long)} over logits copied out of a run. */
    public static int[] argmax(float[] logits, int rows) {
        return argmax(MemorySegment.ofArray(logits), rows, logits.length / Math.max(1, rows));
    }

    /** Class labels of a batch as Java ints. */
    public static int[] classes(Batch batch) {
        IntBuffer ints = batch.labels().data().asIntBuffer();
        int[] out = new int[ints.remaining()];
        ints.get(out);
        return out;
    }
}
