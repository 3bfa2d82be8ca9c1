package dev.trainer.train.step;

import dev.trainer.config.LossConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.augment.Mix;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.TensorTypes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A run's training loss, batch by batch: the configured kind with its class weights, the
 * batch's sample weights and label smoothing, blended over partners for mixed batches; and for
 * each batch what a step needs besides the value, its total sample weight and, for classes,
 * how many argmax predictions were right (read off the outputs the loss has anyway).
 *
 * <p>Owns native memory (the class weights, mixup's scratch): close it when done.
 */
public final class Loss implements AutoCloseable {

    private final LossConfig config;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment classWeights;
    private final Losses.LabelledLoss labelled;
    private final MixupLoss mixup;

    /**
     * @param classWeights one weight per class for cross-entropy, or {@code null} for none
     */
    public Loss(LossConfig config, Kernels kernels, double[] classWeights) {
        this.config = config;
        this.classWeights = classWeights == null ? MemorySegment.NULL : floats(arena, classWeights);
        this.labelled = Losses.labelled(config, kernels, this.classWeights);
        this.mixup = new MixupLoss(labelled);
    }

    private static MemorySegment floats(Arena arena, double[] values) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
        for (int i = 0; i < values.length; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
        }
        return segment;
    }

    /**
     * The loss of a batch's outputs, with its gradient written to {@code dOutputs}.
     *
     * @param mix how the batch's inputs were mixed, or {@code null} when they were not
     */
    public BatchLoss compute(MemorySegment outputs, long[] shape, Batch batch, Mix mix, MemorySegment dOutputs) {
        double value;
        if (mix != null) {
            mixup.use(mix);
            value = mixup.lossAndGradient(outputs, shape, batch, dOutputs);
        } else {
            value = labelled.apply(outputs, shape, Losses.labels(batch), TensorTypes.elementCount(batch.labels().shape()),
                    Losses.sampleWeights(batch), dOutputs);
        }
        boolean classes = config.kind().classification();
        return new BatchLoss(value, classes ? weight(batch) : batch.size(), batch.size(),
                classes && mix == null ? correct(outputs, shape, batch) : -1);
    }

    /** Σ class weight × sample weight over the rows not ignored; a permutation of a batch (mixup's partners) has the same. */
    private double weight(Batch batch) {
        MemorySegment labels = Losses.labels(batch);
        MemorySegment samples = Losses.sampleWeights(batch);
        double total = 0;
        for (int i = 0; i < batch.size(); i++) {
            int label = labels.getAtIndex(ValueLayout.JAVA_INT, i);
            if (label != Losses.IGNORE_INDEX) {
                double w = classWeights.equals(MemorySegment.NULL) ? 1 : classWeights.getAtIndex(ValueLayout.JAVA_FLOAT, label);
                total += samples.equals(MemorySegment.NULL) ? w : w * samples.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            }
        }
        return total;
    }

    /** Rows whose largest output is at their label. */
    private static int correct(MemorySegment outputs, long[] shape, Batch batch) {
        int n = (int) shape[0];
        int[] predicted = Losses.argmax(outputs, n, TensorTypes.elementCount(shape) / Math.max(1, n));
        MemorySegment labels = Losses.labels(batch);
        int correct = 0;
        for (int r = 0; r < n; r++) {
            correct += predicted[r] == labels.getAtIndex(ValueLayout.JAVA_INT, r) ? 1 : 0;
        }
        return correct;
    }

    @Override
    public void close() {
        mixup.close();
        arena.close();
    }
}
