package dev.trainer.data.augment;

/**
 * What {@link Mixup} did to a batch: sample i became λ·x[i] + (1 − λ)·x[permutation[i]]. The loss
 * follows it: λ·L(y) + (1 − λ)·L(y[permutation]).
 *
 * @param lambda      the mixing weight, drawn from Beta(α, α)
 * @param permutation the partner of each sample in the batch; copied in and out
 */
public record Mix(double lambda, int[] permutation) {

    public Mix {
        permutation = permutation.clone();
    }

    @Override
    public int[] permutation() {
        return permutation.clone();
    }

    /** The labels of each sample's partner: {@code classes[permutation[i]]}, for the second loss term. */
    public int[] partnerClasses(int[] classes) {
        int[] partners = new int[permutation.length];
        for (int i = 0; i < permutation.length; i++) {
            partners[i] = classes[permutation[i]];
        }
        return partners;
    }
}
