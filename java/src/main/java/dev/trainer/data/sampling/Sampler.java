package dev.trainer.data.sampling;

import dev.trainer.config.SamplerKind;
import dev.trainer.data.Labels;

/**
 * Which samples an epoch visits, and in which batches, when the classes should weigh equally
 * rather than by their counts. An alternative to {@link dev.trainer.data.BatchOrder}, whose epochs
 * visit every sample once.
 *
 * <p>Every implementation is a pure function of {@code (seed, epoch)}: the same arguments give the
 * same batches, so a run can be repeated, and each epoch draws anew.
 */
public interface Sampler {

    /**
     * The sample indices of each batch of one epoch: {@link #epochSize()} indices in batches of
     * {@code batchSize} and a smaller last one when it does not divide.
     */
    int[][] epochBatches(int batchSize, long seed, int epoch);

    /** Samples per epoch; the same for every epoch. */
    int epochSize();

    /**
     * The sampler of that kind over classification labels:
     * <ul>
     *   <li>{@code balanced}: {@link BalancedSampler}, draws with replacement, each class equally likely;</li>
     *   <li>{@code oversample}: {@link EqualCountSampler#oversample}, every class brought up to the largest;</li>
     *   <li>{@code undersample}: {@link EqualCountSampler#undersample}, every class cut down to the smallest.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for labels that are not class ids
     */
    static Sampler of(SamplerKind kind, Labels labels) {
        return switch (kind) {
            case BALANCED -> new BalancedSampler(labels);
            case OVERSAMPLE -> EqualCountSampler.oversample(labels);
            case UNDERSAMPLE -> EqualCountSampler.undersample(labels);
        };
    }
}
