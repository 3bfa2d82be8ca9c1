package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * The reference {@link Kernels}: plain loops written to be read, not to be fast. It is the oracle
 * the native kernels are tested against, so the cross-entropy follows its definition term by
 * term in double, while the element-wise updates use the same float operations in the same order
 * as the C kernels (and PyTorch). Accepts heap and native segments alike; stateless and thread-safe.
 */
public final class JavaKernels implements Kernels {

    /** Creates the reference kernels; they hold no state. */
    public JavaKernels() {
    }

    @Override
    public double softmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                                      MemorySegment classWeights, MemorySegment sampleWeights,
                                      float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
        KernelArguments.checkSoftmaxCrossEntropy(logits, labels, n, c, classWeights, sampleWeights,
                labelSmoothing, ignoreIndex, dLogits);
        double weightSum = 0;
        for (long i = 0; i < n; i++) {
            if (labels.getAtIndex(JAVA_INT, i) != ignoreIndex) {
                weightSum += rowWeight(labels, classWeights, sampleWeights, i);
            }
        }
        if (weightSum == 0) {
            fill(dLogits, 0, n * c, 0f);
            return 0;
        }
        double lossSum = 0;
        for (long i = 0; i < n; i++) {
            long row = i * c;
            int label = labels.getAtIndex(JAVA_INT, i);
            if (label == ignoreIndex) {
                fill(dLogits, row, c, 0f);
                continue;
            }
            double weight = rowWeight(labels, classWeights, sampleWeights, i);
            double max = Double.NEGATIVE_INFINITY;
            for (long k = 0; k < c; k++) {
                max = Math.max(max, logits.getAtIndex(JAVA_FLOAT, row + k));
            }
            double expSum = 0;
            for (long k = 0; k < c; k++) {
                expSum += Math.exp(logits.getAtIndex(JAVA_FLOAT, row + k) - max);
            }
            double logSumExp = max + Math.log(expSum);
            double rowLoss = 0;
            for (long k = 0; k < c; k++) {
                double target = (k == label ? 1 - labelSmoothing : 0) + (double) labelSmoothing / c;
                double logProbability = logits.getAtIndex(JAVA_FLOAT, row + k) - logSumExp;
                rowLoss -= target * logProbability;
                double gradient = weight / weightSum * (Math.exp(logProbability) - target);
                dLogits.setAtIndex(JAVA_FLOAT, row + k, (float) gradient);
            }
            lossSum += weight * rowLoss;
        }
        return lossSum / weightSum;
    }

    private static double rowWeight(MemorySegment labels, MemorySegment classWeights,
                                    MemorySegment sampleWeights, long i) {
        double weight = 1;
        if (!KernelArguments.isAbsent(classWeights)) {
            weight *= classWeights.getAtIndex(JAVA_FLOAT, labels.getAtIndex(JAVA_INT, i));
        }
        if (!KernelArguments.isAbsent(sampleWeights)) {
            weight *= sampleWeights.getAtIndex(JAVA_FLOAT, i);
        }
        return weight;
    }

    private static void fill(MemorySegment floats, long from, long count, float value) {
        for (long i = from; i < from + count; i++) {
            floats.setAtIndex(JAVA_FLOAT, i, value);
        }
    }

    @Override
    public double meanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                                   MemorySegment dPredictions) {
        KernelArguments.checkMeanSquaredError(predictions, targets, count, dPredictions);
        if (count == 0) {
            return 0;
        }
        float gradScale = (float) (2.0 / count);
        double sum = 0;
        for (long i = 0; i < count; i++) {
            float diff = predictions.getAtIndex(JAVA_FLOAT, i) - targets.getAtIndex(JAVA_FLOAT, i);
            sum += (double) diff * diff;
            dPredictions.setAtIndex(JAVA_FLOAT, i, diff * gradScale);
        }
        return sum / count;
    }

    @Override
    public double l1Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        double absSum = 0;
        for (long i = 0; i < count; i++) {
            float p = params.getAtIndex(JAVA_FLOAT, i);
            grads.setAtIndex(JAVA_FLOAT, i, grads.getAtIndex(JAVA_FLOAT, i) + lambda * sign(p));
            absSum += Math.abs(p);
        }
        return lambda * absSum;
    }

    /** sign(0) = 0, as torch.sign, so exact zeros get no L1 pull; -0 counts as 0 too. */
    private static float sign(float x) {
        return (x > 0 ? 1f : 0f) - (x < 0 ? 1f : 0f);
    }

    @Override
    public double l2Penalty(MemorySegment params, MemorySegment grads, long count, float lambda) {
        KernelArguments.checkPenalty(params, grads, count);
        double squareSum = 0;
        for (long i = 0; i < count; i++) {
            float p = params.getAtIndex(JAVA_FLOAT, i);
            grads.setAtIndex(JAVA_FLOAT, i, grads.getAtIndex(JAVA_FLOAT, i) + lambda * p);
            squareSum += (double) p * p;
        }
        return 0.5 * lambda * squareSum;
    }

    @Override
    public double sumOfSquares(MemorySegment values, long count) {
        KernelArguments.requireElements("values", values, count);
        double sum = 0;
        for (long i = 0; i < count; i++) {
            float x = values.getAtIndex(JAVA_FLOAT, i);
            sum += (double) x * x;
        }
        return sum;
    }

    @Override
    public void scale(MemorySegment values, long count, float factor) {
        KernelArguments.requireElements("values", values, count);
        KernelArguments.requireWritable("values", values);
        for (long i = 0; i < count; i++) {
            values.setAtIndex(JAVA_FLOAT, i, values.getAtIndex(JAVA_FLOAT, i) * factor);
        }
    }

    @Override
    public void axpby(MemorySegment x, MemorySegment y, long count, float alpha, float beta) {
        KernelArguments.checkAxpby(x, y, count);
        for (long i = 0; i < count; i++) {
            float scaled = alpha * x.getAtIndex(JAVA_FLOAT, i);
            y.setAtIndex(JAVA_FLOAT, i, beta == 0 ? scaled : scaled + beta * y.getAtIndex(JAVA_FLOAT, i));
        }
    }

    @Override
    public void sgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
                    float lr, float momentum, boolean nesterov, float weightDecay) {
        KernelArguments.checkSgd(params, grads, velocity, count, momentum, nesterov);
        for (long i = 0; i < count; i++) {
            float p = params.getAtIndex(JAVA_FLOAT, i);
            float g = grads.getAtIndex(JAVA_FLOAT, i) + weightDecay * p;
            float step = g;
            if (momentum != 0) {
                float v = momentum * velocity.getAtIndex(JAVA_FLOAT, i) + g;
                velocity.setAtIndex(JAVA_FLOAT, i, v);
                step = nesterov ? g + momentum * v : v;
            }
            params.setAtIndex(JAVA_FLOAT, i, p - lr * step);
        }
    }

    @Override
    public void adam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v, long count,
                     float lr, float beta1, float beta2, float epsilon, float weightDecay, boolean decoupled,
                     long step) {
        KernelArguments.checkAdam(params, grads, m, v, count, step);
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / biasCorrection1);
        float biasCorrection2Sqrt = (float) Math.sqrt(biasCorrection2);
        for (long i = 0; i < count; i++) {
            float p = params.getAtIndex(JAVA_FLOAT, i);
            float g = grads.getAtIndex(JAVA_FLOAT, i);
            if (decoupled) {
                p = p * (float) (1 - (double) lr * weightDecay);
            } else {
                g = g + weightDecay * p;
            }
            float mi = m.getAtIndex(JAVA_FLOAT, i);
            mi = mi + (float) (1 - (double) beta1) * (g - mi);
            float vi = v.getAtIndex(JAVA_FLOAT, i) * beta2 + (float) (1 - (double) beta2) * g * g;
            m.setAtIndex(JAVA_FLOAT, i, mi);
            v.setAtIndex(JAVA_FLOAT, i, vi);
            float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + epsilon;
            params.setAtIndex(JAVA_FLOAT, i, p - stepSize * mi / denom);
        }
    }
}
