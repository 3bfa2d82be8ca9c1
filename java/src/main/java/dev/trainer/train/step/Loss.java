package dev.trainer.train.step;

import dev.trainer.config.LossConfig;
import dev.trainer.data.Batch;
import dev.trainer.data.augment.Mix;
import dev.trainer.kernels.Kernels;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.PlacedMemory;
import dev.trainer.runtime.Placement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A run's training loss, batch by batch: the configured kind with its class weights, the
 * batch's sample weights and label smoothing, blended over partners for mixed batches; and for
 * each batch what a step needs besides the value, its total sample weight and, for classes,
 * how many argmax predictions were right (counted by the kernels from the outputs the loss has
 * anyway).
 *
 * <p>It computes where the outputs are, in the runtime's {@link Placement}: the batch's labels
 * and sample weights are staged there (on a GPU, the only bytes it sends), and only the loss and
 * the count of hits come back.
 *
 * <p>Owns memory (the class weights, mixup's scratch): close it when done.
 */
public final class Loss implements AutoCloseable {

    private final LossConfig config;
    private final Placement placement;
    private final Kernels kernels;
    private final Arena arena = Arena.ofShared();
    /** On the host, for the batch's weight. */
    private final MemorySegment classWeights;
    private final PlacedMemory placedClassWeights;
    private final Losses.LabelledLoss labelled;
    private final MixupLoss mixup;

    /**
     * @param placement    where the outputs are, with the kernels for that memory
     * @param classWeights one weight per class for cross-entropy, or {@code null} for none
     */
    public Loss(LossConfig config, Placement placement, double[] classWeights) {
        this.config = config;
        this.placement = placement;
        this.kernels = placement.kernels();
        this.classWeights = classWeights == null ? MemorySegment.NULL : floats(arena, classWeights);
        this.placedClassWeights = classWeights == null ? null : placement.allocate(this.classWeights.byteSize());
        if (placedClassWeights != null) {
            placement.upload(this.classWeights, placedClassWeights.segment(), this.classWeights.byteSize());
        }
        this.labelled = Losses.labelled(config, kernels,
                placedClassWeights == null ? MemorySegment.NULL : placedClassWeights.segment());
        this.mixup = new MixupLoss(labelled, placement);
    }

    private static MemorySegment floats(Arena arena, double[] values) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
        for (int i = 0; i < values.length; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
        }
        return segment;
    }

    /**
     * The loss of a batch's outputs, with its gradient written to {@code dOutputs}; both in the placement.
     *
     * @param mix how the batch's inputs were mixed, or {@code null} when they were not
     */
    public BatchLoss compute(MemorySegment outputs, long[] shape, Batch batch, Mix mix, MemorySegment dOutputs) {
        boolean classes = config.kind().classification();
        if (mix != null) {
            mixup.use(mix);
            double value = mixup.lossAndGradient(outputs, shape, batch, dOutputs);
            return new BatchLoss(value, classes ? weight(batch) : batch.size(), batch.size(), -1);
        }
        MemorySegment labels = placement.stage(MixupLoss.LABELS, Losses.labels(batch));
        MemorySegment sampleWeights = Losses.sampleWeights(batch);
        double value = labelled.apply(outputs, shape, labels, TensorTypes.elementCount(batch.labels().shape()),
                sampleWeights.equals(MemorySegment.NULL) ? sampleWeights
                        : placement.stage(MixupLoss.SAMPLE_WEIGHTS, sampleWeights), dOutputs);
        return new BatchLoss(value, classes ? weight(batch) : batch.size(), batch.size(),
                classes ? correct(outputs, shape, labels) : -1);
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
    private int correct(MemorySegment outputs, long[] shape, MemorySegment labels) {
        long n = shape[0];
        return Math.toIntExact(kernels.countCorrect(outputs, labels, n, TensorTypes.elementCount(shape) / Math.max(1, n)));
    }

    @Override
    public void close() {
        mixup.close();
        if (placedClassWeights != null) {
            placedClassWeights.close();
        }
        arena.close();
    }
}
