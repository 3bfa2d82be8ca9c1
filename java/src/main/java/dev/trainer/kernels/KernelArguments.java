package dev.trainer.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The argument checks of the {@link Kernels} contract, shared by every implementation so that
 * they refuse the same calls with the same messages, always before any memory is touched.
 */
final class KernelArguments {

    private KernelArguments() {
    }

    static void requireCount(String name, long count) {
        if (count < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + count);
        }
    }

    /** The byte length of {@code count} 4-byte elements, refusing sizes whose bytes overflow. */
    static long bytesOf(String name, long count) {
        requireCount(name, count);
        if (count > Long.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException(name + " is too large: " + count + " elements");
        }
        return count * Float.BYTES;
    }

    /** Checks that {@code segment} holds {@code count} aligned 4-byte elements (floats or ints). */
    static void requireElements(String name, MemorySegment segment, long count) {
        Objects.requireNonNull(segment, name);
        long bytes = bytesOf(name + " length", count);
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException(name + " holds " + segment.byteSize() / Float.BYTES
                    + " elements (" + segment.byteSize() + " bytes) but " + count + " are needed");
        }
        if (bytes > 0 && segment.maxByteAlignment() < Float.BYTES) {
            throw new IllegalArgumentException(name + " is not 4-byte aligned");
        }
    }

    /** As {@link #requireElements}, but {@link MemorySegment#NULL} stands for "absent" and passes. */
    static void requireOptionalElements(String name, MemorySegment segment, long count) {
        if (!isAbsent(segment)) {
            requireElements(name, segment, count);
        }
    }

    static void requireWritable(String name, MemorySegment segment) {
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only but the kernel writes it");
        }
    }

    /** Refuses a written buffer whose first {@code count} elements share memory with another's. */
    static void requireDisjoint(String writtenName, MemorySegment written, String otherName,
                                MemorySegment other, long count) {
        requireDisjoint(writtenName, written, count, otherName, other, count);
    }

    /** As above, for buffers of different lengths (in 4-byte elements). */
    static void requireDisjoint(String writtenName, MemorySegment written, long writtenCount,
                                String otherName, MemorySegment other, long otherCount) {
        if (writtenCount == 0 || otherCount == 0 || isAbsent(written) || isAbsent(other)) {
            return;
        }
        MemorySegment a = written.asSlice(0, writtenCount * Float.BYTES);
        MemorySegment b = other.asSlice(0, otherCount * Float.BYTES);
        if (a.asOverlappingSlice(b).isPresent()) {
            throw new IllegalArgumentException(writtenName + " overlaps " + otherName);
        }
    }

    /** Checks every label, so that a kernel may index class weights by label without bounds checks. */
    static void requireLabels(MemorySegment labels, long n, long c, int ignoreIndex) {
        for (long i = 0; i < n; i++) {
            int label = labels.getAtIndex(ValueLayout.JAVA_INT, i);
            if (label != ignoreIndex && (label < 0 || label >= c)) {
                throw new IllegalArgumentException("label " + label + " of row " + i
                        + " is outside [0, " + c + ") and is not the ignore index " + ignoreIndex);
            }
        }
    }

    static void requireInRange(String name, float value, float min, float max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    static boolean isAbsent(MemorySegment segment) {
        return MemorySegment.NULL.equals(segment);
    }

    /** All checks of {@link Kernels#softmaxCrossEntropy}. */
    static void checkSoftmaxCrossEntropy(MemorySegment logits, MemorySegment labels, long n, long c,
                                         MemorySegment classWeights, MemorySegment sampleWeights,
                                         float labelSmoothing, int ignoreIndex, MemorySegment dLogits) {
        checkSoftmaxCrossEntropyLayout(logits, labels, n, c, classWeights, sampleWeights, labelSmoothing, dLogits);
        requireLabels(labels, n, c, ignoreIndex);
    }

    /**
     * The checks of {@link Kernels#softmaxCrossEntropy} that read no data, only sizes and
     * addresses: all an implementation over device memory can do on the host.
     */
    static void checkSoftmaxCrossEntropyLayout(MemorySegment logits, MemorySegment labels, long n, long c,
                                               MemorySegment classWeights, MemorySegment sampleWeights,
                                               float labelSmoothing, MemorySegment dLogits) {
        requireCount("n", n);
        requireCount("c", c);
        if (c != 0 && n > Long.MAX_VALUE / Float.BYTES / c) {
            throw new IllegalArgumentException("n * c is too large: " + n + " * " + c);
        }
        long elements = n * c;
        requireElements("logits", logits, elements);
        requireElements("labels", labels, n);
        requireOptionalElements("classWeights", classWeights, c);
        requireOptionalElements("sampleWeights", sampleWeights, n);
        requireElements("dLogits", dLogits, elements);
        requireWritable("dLogits", dLogits);
        requireInRange("labelSmoothing", labelSmoothing, 0f, 1f);
        requireDisjoint("dLogits", dLogits, "logits", logits, elements);
        requireDisjoint("dLogits", dLogits, elements, "labels", labels, n);
        requireDisjoint("dLogits", dLogits, elements, "classWeights", classWeights, c);
        requireDisjoint("dLogits", dLogits, elements, "sampleWeights", sampleWeights, n);
    }

    /** All checks of {@link Kernels#meanSquaredError}. */
    static void checkMeanSquaredError(MemorySegment predictions, MemorySegment targets, long count,
                                      MemorySegment dPredictions) {
        requireElements("predictions", predictions, count);
        requireElements("targets", targets, count);
        requireElements("dPredictions", dPredictions, count);
        requireWritable("dPredictions", dPredictions);
        requireDisjoint("dPredictions", dPredictions, "predictions", predictions, count);
        requireDisjoint("dPredictions", dPredictions, "targets", targets, count);
    }

    /** All checks of {@link Kernels#l1Penalty} and {@link Kernels#l2Penalty}. */
    static void checkPenalty(MemorySegment params, MemorySegment grads, long count) {
        requireElements("params", params, count);
        requireElements("grads", grads, count);
        requireWritable("grads", grads);
        requireDisjoint("grads", grads, "params", params, count);
    }

    /** All checks of {@link Kernels#axpby}. */
    static void checkAxpby(MemorySegment x, MemorySegment y, long count) {
        requireElements("x", x, count);
        requireElements("y", y, count);
        requireWritable("y", y);
        requireDisjoint("y", y, "x", x, count);
    }

    /** All checks of {@link Kernels#sgd}. */
    static void checkSgd(MemorySegment params, MemorySegment grads, MemorySegment velocity, long count,
                         float momentum, boolean nesterov) {
        requireElements("params", params, count);
        requireElements("grads", grads, count);
        requireWritable("params", params);
        requireDisjoint("params", params, "grads", grads, count);
        if (nesterov && !(momentum > 0)) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0, got " + momentum);
        }
        if (momentum != 0) {
            if (isAbsent(velocity)) {
                throw new IllegalArgumentException("velocity is NULL but momentum is " + momentum);
            }
            requireElements("velocity", velocity, count);
            requireWritable("velocity", velocity);
            requireDisjoint("velocity", velocity, "params", params, count);
            requireDisjoint("velocity", velocity, "grads", grads, count);
        }
    }

    /** All checks of {@link Kernels#adam}. */
    static void checkAdam(MemorySegment params, MemorySegment grads, MemorySegment m, MemorySegment v,
                          long count, long step) {
        requireElements("params", params, count);
        requireElements("grads", grads, count);
        requireElements("m", m, count);
        requireElements("v", v, count);
        requireWritable("params", params);
        requireWritable("m", m);
        requireWritable("v", v);
        requireDisjoint("params", params, "grads", grads, count);
        requireDisjoint("params", params, "m", m, count);
        requireDisjoint("params", params, "v", v, count);
        requireDisjoint("m", m, "grads", grads, count);
        requireDisjoint("m", m, "v", v, count);
        requireDisjoint("v", v, "grads", grads, count);
        if (step < 1) {
            throw new IllegalArgumentException("step is 1-based, got " + step);
        }
    }

    static void checkCountCorrect(MemorySegment logits, MemorySegment labels, long n, long c) {
        requireCount("n", n);
        requireCount("c", c);
        if (c > 0 && n > Long.MAX_VALUE / c) {
            throw new IllegalArgumentException("n * c overflows: " + n + " * " + c);
        }
        requireElements("logits", logits, n * c);
        requireElements("labels", labels, n);
    }

    static void checkBlend(MemorySegment into, MemorySegment other, long count) {
        requireElements("into", into, count);
        requireElements("other", other, count);
        requireWritable("into", into);
        requireDisjoint("into", into, "other", other, count);
    }

    /** Every slot must lie within {@code values}, {@code grads} and (when present) {@code before}. */
    static void checkSlotStatistics(MemorySegment values, MemorySegment grads, MemorySegment before, long[] offsets,
                                    long[] counts) {
        if (offsets.length != counts.length) {
            throw new IllegalArgumentException(offsets.length + " slot offsets but " + counts.length + " counts");
        }
        long end = 0;
        for (int k = 0; k < offsets.length; k++) {
            requireCount("offsets[" + k + "]", offsets[k]);
            requireCount("counts[" + k + "]", counts[k]);
            if (offsets[k] > Long.MAX_VALUE - counts[k]) {
                throw new IllegalArgumentException("slot " + k + " ends beyond any buffer");
            }
            end = Math.max(end, offsets[k] + counts[k]);
        }
        requireElements("values", values, end);
        requireElements("grads", grads, end);
        requireOptionalElements("before", before, end);
    }
}
