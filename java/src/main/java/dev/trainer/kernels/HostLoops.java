package dev.trainer.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * The plain-Java loops behind {@link Kernels}' default methods, over host memory: small passes a
 * step makes besides the heavy kernels (the accuracy's argmax, mixup's blend, the per-layer
 * statistics), cheap enough on the CPU that they have no C version. A device runs its own.
 */
final class HostLoops {

    private HostLoops() {
    }

    static long countCorrect(MemorySegment logits, MemorySegment labels, long n, long c) {
        long correct = 0;
        for (long r = 0; r < n; r++) {
            long best = 0;
            for (long k = 1; k < c; k++) {
                if (logits.getAtIndex(JAVA_FLOAT, r * c + k) > logits.getAtIndex(JAVA_FLOAT, r * c + best)) {
                    best = k;
                }
            }
            correct += c > 0 && best == labels.getAtIndex(JAVA_INT, r) ? 1 : 0;
        }
        return correct;
    }

    static void blend(MemorySegment into, MemorySegment other, long count, double weight) {
        for (long i = 0; i < count; i++) {
            float blended = (float) (weight * into.getAtIndex(JAVA_FLOAT, i)
                    + (1 - weight) * other.getAtIndex(JAVA_FLOAT, i));
            into.setAtIndex(JAVA_FLOAT, i, blended);
        }
    }

    static double[] slotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before, long[] offsets,
                                   long[] counts) {
        boolean withBefore = !KernelArguments.isAbsent(before);
        double[] sums = new double[offsets.length * Kernels.SLOT_STATISTICS];
        for (int k = 0; k < offsets.length; k++) {
            int at = k * Kernels.SLOT_STATISTICS;
            for (long i = offsets[k]; i < offsets[k] + counts[k]; i++) {
                double g = grads.getAtIndex(JAVA_FLOAT, i);
                double p = values.getAtIndex(JAVA_FLOAT, i);
                sums[at] += g * g;
                sums[at + 1] += p * p;
                if (withBefore) {
                    double d = p - before.getAtIndex(JAVA_FLOAT, i);
                    sums[at + 2] += d * d;
                }
                sums[at + 3] += g == 0 ? 1 : 0;
                sums[at + 4] = Math.max(sums[at + 4], Math.abs(g)); // a NaN gradient stays NaN here
            }
        }
        return sums;
    }
}
