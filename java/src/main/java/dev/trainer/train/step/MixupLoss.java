package dev.trainer.train.step;

import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.augment.Mix;
import dev.trainer.onnx.TensorTypes;
import dev.trainer.runtime.LossFunction;
import dev.trainer.runtime.PlacedMemory;
import dev.trainer.runtime.Placement;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The mixup loss {@code λ L(z, y) + (1 - λ) L(z, y[perm])} for a batch whose inputs were mixed
 * with {@code mix}; its gradient is the same blend of the two gradients. The partners' labels and
 * weights are permuted on the host (they are the batch's) and staged in the placement, where the
 * two losses and the blend run.
 */
final class MixupLoss implements LossFunction, AutoCloseable {

    /** Staging keys of the batch's labels and sample weights, and of the partners'. */
    static final String LABELS = "loss labels";
    static final String SAMPLE_WEIGHTS = "loss sample weights";
    private static final String PARTNER_LABELS = "mixup partner labels";
    private static final String PARTNER_WEIGHTS = "mixup partner weights";

    private final Losses.LabelledLoss loss;
    private final Placement placement;
    private final Arena arena = Arena.ofConfined();
    private MemorySegment partnerLabels = MemorySegment.NULL;
    private MemorySegment partnerWeights = MemorySegment.NULL;
    private PlacedMemory partnerGradient;
    private Mix mix;

    MixupLoss(Losses.LabelledLoss loss, Placement placement) {
        this.loss = loss;
        this.placement = placement;
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
        long outputBytes = TensorTypes.elementCount(shape) * Float.BYTES;
        if (partnerLabels.byteSize() < own.byteSize()) {
            partnerLabels = arena.allocate(Math.max(own.byteSize(), 4), 64);
        }
        if (partnerGradient == null || partnerGradient.segment().byteSize() < outputBytes) {
            if (partnerGradient != null) {
                partnerGradient.close();
            }
            partnerGradient = placement.allocate(Math.max(outputBytes, Float.BYTES));
        }
        // Labels are 4-byte elements (int32 classes or float32 targets): permute whole samples.
        int[] perm = mix.permutation();
        permute(own, perm, perSample * 4, partnerLabels);
        MemorySegment ownWeights = Losses.sampleWeights(batch);
        MemorySegment placedOwnWeights = MemorySegment.NULL;
        MemorySegment placedPartnerWeights = MemorySegment.NULL;
        if (!ownWeights.equals(MemorySegment.NULL)) {
            if (partnerWeights.byteSize() < ownWeights.byteSize()) {
                partnerWeights = arena.allocate(ownWeights.byteSize(), 64);
            }
            permute(ownWeights, perm, Float.BYTES, partnerWeights);
            placedOwnWeights = placement.stage(SAMPLE_WEIGHTS, ownWeights);
            placedPartnerWeights = placement.stage(PARTNER_WEIGHTS, partnerWeights.asSlice(0, ownWeights.byteSize()));
        }
        MemorySegment placedOwn = placement.stage(LABELS, own);
        MemorySegment placedPartners = placement.stage(PARTNER_LABELS, partnerLabels.asSlice(0, own.byteSize()));
        double lambda = mix.lambda();
        double a = loss.apply(outputs, shape, placedOwn, labelCount, placedOwnWeights, dOutputs);
        double b = loss.apply(outputs, shape, placedPartners, labelCount, placedPartnerWeights,
                partnerGradient.segment());
        placement.kernels().blend(dOutputs, partnerGradient.segment(), outputBytes / Float.BYTES, lambda);
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
        if (partnerGradient != null) {
            partnerGradient.close();
        }
        arena.close();
    }
}
