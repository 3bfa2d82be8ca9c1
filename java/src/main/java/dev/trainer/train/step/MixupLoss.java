package dev.trainer.train.step;

import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.augment.Mix;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.LossFunction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The mixup loss {@code λ L(z, y) + (1 - λ) L(z, y[perm])} for a batch whose inputs were mixed
 * with {@code mix}; its gradient is the same blend of the two gradients.
 */
final class MixupLoss implements LossFunction, AutoCloseable {

    private final Losses.LabelledLoss loss;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment partnerLabels = MemorySegment.NULL;
    private MemorySegment partnerWeights = MemorySegment.NULL;
    private MemorySegment partnerGradient = MemorySegment.NULL;
    private Mix mix;

    MixupLoss(Losses.LabelledLoss loss) {
        this.loss = loss;
    }

    /** The mix applied to the next batch's inputs. */
    void use(Mix mix) {
        this.mix = mix;
    }

    @Override
    public double lossAndGradient(MemorySegment outputs, long[] shape, Batch batch, MemorySegment dOutputs) {
        HostTensor labels = batch.labels();
        MemorySegment own = MemorySegment.ofBuffer(labels.data());
        long labelCount = TensorTypes.elementCount(labels.shape());
        long perSample = labelCount / batch.size();
        long outputCount = TensorTypes.elementCount(shape);
        if (partnerLabels.byteSize() < own.byteSize() || partnerGradient.byteSize() < outputCount * Float.BYTES) {
            partnerLabels = arena.allocate(Math.max(own.byteSize(), 4), 64);
            partnerGradient = arena.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, outputCount));
        }
        // Labels are 4-byte elements (int32 classes or float32 targets): permute whole samples.
        int[] perm = mix.permutation();
        permute(own, perm, perSample * 4, partnerLabels);
        MemorySegment ownWeights = Losses.sampleWeights(batch);
        if (!ownWeights.equals(MemorySegment.NULL)) {
            if (partnerWeights.byteSize() < ownWeights.byteSize()) {
                partnerWeights = arena.allocate(ownWeights.byteSize(), 64);
            }
            permute(ownWeights, perm, Float.BYTES, partnerWeights);
        }
        MemorySegment theirWeights = ownWeights.equals(MemorySegment.NULL) ? MemorySegment.NULL : partnerWeights;
        double lambda = mix.lambda();
        double a = loss.apply(outputs, shape, own, labelCount, ownWeights, dOutputs);
        double b = loss.apply(outputs, shape, partnerLabels, labelCount, theirWeights, partnerGradient);
        for (long i = 0; i < outputCount; i++) {
            float blended = (float) (lambda * dOutputs.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                    + (1 - lambda) * partnerGradient.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            dOutputs.setAtIndex(ValueLayout.JAVA_FLOAT, i, blended);
        }
        return lambda * a + (1 - lambda) * b;
    }

    /** Sample {@code i} of {@code to} is sample {@code perm[i]} of {@code from}, {@code sampleBytes} each. */
    private static void permute(MemorySegment from, int[] perm, long sampleBytes, MemorySegment to) {
        for (int i = 0; i < perm.length; i++) {
            MemorySegment.copy(from, perm[i] * sampleBytes, to, i * sampleBytes, sampleBytes);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
