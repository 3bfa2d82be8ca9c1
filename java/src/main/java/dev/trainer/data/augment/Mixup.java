package dev.trainer.data.augment;

import dev.trainer.data.Batch;
import dev.trainer.data.HostTensor;
import dev.trainer.data.Seeds;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Mixup (Zhang et al. 2018, "mixup: Beyond Empirical Risk Minimization"): each batch is replaced
 * by convex combinations of its own samples, x[i] ← λ·x[i] + (1 − λ)·x[perm[i]], with one
 * λ ~ Beta(α, α) and one random permutation per batch, and the loss combines both labels with the
 * same weights (see {@link Mix}).
 *
 * <p>Works in place on a {@link Batch}'s buffers: FLOAT and DOUBLE inputs are mixed, integer
 * inputs (token ids, masks) are left as they are since their convex combinations mean nothing.
 * Labels are not touched. A step's draws are a function of the seed and the step's number alone
 * ({@link Seeds}), so a resumed run mixes as the uninterrupted one did. Not thread-safe.
 */
public final class Mixup {

    private final double alpha;
    private final long seed;
    // copies of the unmixed values, kept between batches so that a step allocates nothing
    private float[] floatScratch = new float[0];
    private double[] doubleScratch = new double[0];

    /** @throws IllegalArgumentException unless alpha is positive and finite */
    public Mixup(double alpha, long seed) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("mixup alpha must be positive and finite, got " + alpha);
        }
        this.alpha = alpha;
        this.seed = seed;
    }

    /** Draws λ and a permutation for step {@code step} and mixes every floating input of {@code batch} in place. */
    public Mix mix(Batch batch, long step) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed ^ Seeds.MIXUP, step));
        double lambda = BetaDistribution.sample(random, alpha, alpha);
        int n = batch.size();
        int[] permutation = new int[n];
        for (int i = 0; i < n; i++) {
            permutation[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swapped = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swapped;
        }
        for (String name : batch.inputNames()) {
            HostTensor tensor = batch.input(name);
            switch (tensor.type()) {
                case FLOAT -> mix(tensor.data().asFloatBuffer(), n, lambda, permutation);
                case DOUBLE -> mix(tensor.data().asDoubleBuffer(), n, lambda, permutation);
                default -> {
                    // integer inputs stay: see the class comment
                }
            }
        }
        return new Mix(lambda, permutation);
    }

    private void mix(FloatBuffer values, int n, double lambda, int[] permutation) {
        // partners are read from a copy, since mixing in place overwrites rows still to be read
        if (floatScratch.length < values.remaining()) {
            floatScratch = new float[values.remaining()];
        }
        float[] original = floatScratch;
        values.get(0, original, 0, values.remaining());
        int sampleSize = values.remaining() / n;
        float keep = (float) lambda;
        float take = (float) (1 - lambda);
        for (int i = 0; i < n; i++) {
            int self = i * sampleSize;
            int partner = permutation[i] * sampleSize;
            for (int k = 0; k < sampleSize; k++) {
                values.put(self + k, keep * original[self + k] + take * original[partner + k]);
            }
        }
    }

    private void mix(DoubleBuffer values, int n, double lambda, int[] permutation) {
        if (doubleScratch.length < values.remaining()) {
            doubleScratch = new double[values.remaining()];
        }
        double[] original = doubleScratch;
        values.get(0, original, 0, values.remaining());
        int sampleSize = values.remaining() / n;
        for (int i = 0; i < n; i++) {
            int self = i * sampleSize;
            int partner = permutation[i] * sampleSize;
            for (int k = 0; k < sampleSize; k++) {
                values.put(self + k, lambda * original[self + k] + (1 - lambda) * original[partner + k]);
            }
        }
    }
}
