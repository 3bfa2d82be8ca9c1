package dev.trainer.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The numeric kernels of a training step: losses, regularization, gradient norms and optimizer
 * updates over flat float32 buffers. This is the device seam: a CPU implementation works on host
 * segments, a CUDA one would take segments that wrap device addresses.
 *
 * <p>Every method checks its arguments and throws {@link IllegalArgumentException} before
 * touching memory when: a size is negative; a segment holds fewer elements than its sizes
 * imply; a float or int segment is not 4-byte aligned; a segment it writes is read-only or
 * overlaps another segment of the call; a label or hyperparameter is out of its range. An
 * implementation may add requirements of its own (see {@link NativeKernels}). Nothing here
 * allocates; callers own every segment. Buffers the kernels only read are never written.
 */
public interface Kernels {

    /**
     * The kernels a training step should use: the vectorized C kernels of {@link NativeKernels}.
     *
     * @throws IllegalStateException if the native library is missing or stale (run {@code mvn package})
     */
    static Kernels defaultKernels() {
        return NativeKernels.instance();
    }

    /**
     * Weighted softmax cross-entropy over {@code n} rows of {@code c} logits, with the gradient
     * of the returned mean loss with respect to the logits written to {@code dLogits}.
     *
     * <p>Row i contributes {@code w_i = classWeight[label_i] * sampleWeight[i]} times
     * {@code -sum_k q_k log softmax(z_i)_k}, where q is the one-hot label smoothed to
     * {@code (1 - smoothing) * onehot + smoothing / c}. The loss is {@code sum_i w_i l_i / sum_i w_i},
     * as PyTorch's weighted mean; rows whose label equals {@code ignoreIndex} count for nothing
     * and get a zero gradient row. With no rows left (or a zero weight sum) the loss and gradient
     * are zero. The gradient row is {@code w_i / sum_j w_j * (softmax(z_i) - q)}.
     *
     * <p>With both class weights and smoothing this weights the whole smoothed row by its label's
     * class weight; PyTorch instead weights each smoothing term {@code q_k} by class k's weight.
     * The two agree whenever either feature is off.
     *
     * @param logits         float32 [n, c], row-major
     * @param labels         int32 [n], each in [0, c) or equal to ignoreIndex
     * @param classWeights   float32 [c], or {@link MemorySegment#NULL} for all ones
     * @param sampleWeights  float32 [n], or {@link MemorySegment#NULL} for all ones
     * @param labelSmoothing in [0, 1]
     * @param dLogits        float32 [n, c], written; must not overlap the inputs
     * @return the weighted mean loss
     */
    double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                               MemorySegment classWeights, MemorySegment sampleWeights,
                               float labelSmoothing, int ignoreIndex, MemorySegment dLogits);

    /**
     * Mean squared error {@code sum (p - t)^2 / count} over {@code count} elements, with its
     * gradient {@code 2 (p - t) / count} written to {@code dPredictions}. Zero when count is zero.
     */
    double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                            MemorySegment dPredictions);

    /**
     * Adds {@code lambda * sign(p)} to each gradient (with {@code sign(0) = 0}); returns the
     * penalty {@code lambda * sum |p|}.
     */
    double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda);

    /** Adds {@code lambda * p} to each gradient; returns the penalty {@code lambda / 2 * sum p^2}. */
    double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda);

    /** The sum of squares of {@code count} floats, accumulated in double: a global norm is its root. */
    double sumOfSquares(MemorySegment values, long count);

    /** Multiplies {@code count} floats by {@code factor} in place (gradient clipping). */
    void scale(MemorySegment values, long count, float factor);

    /**
     * {@code y = alpha * x + beta * y} over {@code count} floats, BLAS's axpby (gradient
     * accumulation keeps a running weighted mean with it). With {@code beta == 0} the old
     * {@code y} is not read, as in BLAS, so {@code y = alpha * x} whatever {@code y} held.
     * {@code x} is only read and must not overlap {@code y}.
     */
    void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta);

    /**
     * SGD in place, as PyTorch's {@code torch.optim.SGD} with dampening 0:
     * {@code g' = g + weightDecay * p; v = momentum * v + g'; p -= lr * (nesterov ? g' + momentum * v : v)}.
     * The gradients are only read. The velocity must start zeroed, which makes the first step
     * PyTorch's {@code v = g'}. With momentum 0 the velocity buffer may be
     * {@link MemorySegment#NULL} and is not touched; Nesterov needs a positive momentum.
     */
    void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
             float lr, float momentum, boolean nesterov, float weightDecay);

    /**
     * Adam (decoupled false: L2 added to the gradient, as {@code torch.optim.Adam}) or AdamW
     * (decoupled true: {@code p -= lr * weightDecay * p} first, as {@code torch.optim.AdamW}),
     * in place, with bias correction for the 1-based {@code step}:
     * {@code m = m + (1 - beta1) (g - m); v = beta2 v + (1 - beta2) g^2;
     * p -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + epsilon)}.
     * The gradients are only read; {@code m} and {@code v} must start zeroed.
     */
    void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count,
              float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
              long step);

    /** Doubles per slot of {@link #slotStatistics}, in this order: the sums of g², p² and (p − before)², the count of zero gradients, the largest |g|. */
    int SLOT_STATISTICS = 5;

    /**
     * How many of {@code n} rows of {@code c} logits have their largest logit at their label (the
     * training accuracy's hits): the first of equal largest logits counts, a NaN logit is never
     * the largest unless it is a row's first, and a label outside [0, c) (the ignore index) never
     * hits.
     *
     * <p>The default reads host memory in plain Java; an implementation on a device overrides it.
     *
     * @param logits float32 [n, c], row-major
     * @param labels int32 [n]
     */
    default long countCorrect(MemorySegment logits, MemorySegment labels, long n, long c) {
        KernelArguments.checkCountCorrect(logits, labels, n, c);
        return HostLoops.countCorrect(logits, labels, n, c);
    }

    /**
     * Mixup's blend of two gradients in place: {@code into[i] = weight * into[i] + (1 - weight) * other[i]},
     * computed in double and rounded to float once.
     *
     * <p>The default reads host memory in plain Java; an implementation on a device overrides it.
     */
    default void blend(MemorySegment into, MemorySegment other, long count, double weight) {
        KernelArguments.checkBlend(into, other, count);
        HostLoops.blend(into, other, count, weight);
    }

    /**
     * The sums behind the per-layer statistics, {@link #SLOT_STATISTICS} doubles per slot, slot k
     * being floats {@code [offsets[k], offsets[k] + counts[k])} of the flat buffers: the sums of
     * squared gradients, of squared values and of squared updates ({@code value - before}, 0
     * without {@code before}), the count of gradients exactly 0, and the largest |gradient|
     * (NaN when any is NaN), each in double.
     *
     * <p>The default reads host memory in plain Java; an implementation on a device overrides it.
     *
     * @param before the values before the last update, or {@link MemorySegment#NULL}
     */
    default double[] slotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before, long[] offsets,
                                    long[] counts) {
        KernelArguments.checkSlotStatistics(values, grads, before, offsets, counts);
        return HostLoops.slotStatistics(values, grads, before, offsets, counts);
    }
}
