package dev.trainer.data.sampling;

import dev.trainer.data.Labels;
import dev.trainer.data.Task;
import java.util.Arrays;
import java.util.SplittableRandom;

/** What the samplers share: the samples of each present class, shuffling and cutting into batches. */
final class ClassIndices {

    private ClassIndices() {
    }

    /**
     * The sample indices of each class that has samples, classes without any dropped: a sampler
     * cannot draw what is not there.
     *
     * @throws IllegalArgumentException for regression targets or labels without samples
     */
    static int[][] presentClasses(Labels labels, String sampler) {
        if (labels.task() != Task.CLASSIFICATION) {
            throw new IllegalArgumentException("the " + sampler + " sampler needs class labels, not regression targets");
        }
        int[][] present = Arrays.stream(labels.indicesByClass()).filter(group -> group.length > 0).toArray(int[][]::new);
        if (present.length == 0) {
            throw new IllegalArgumentException("the " + sampler + " sampler needs at least one sample");
        }
        return present;
    }

    static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swapped = values[i];
            values[i] = values[j];
            values[j] = swapped;
        }
    }

    /** Copies {@code count} indices drawn without replacement from {@code from} into {@code to} at {@code at}. */
    static void drawWithoutReplacement(int[] from, int count, int[] to, int at, SplittableRandom random) {
        int[] pool = from.clone();
        // a partial Fisher–Yates: the first `count` places end up a uniform sample
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(pool.length - i);
            int swapped = pool[i];
            pool[i] = pool[j];
            pool[j] = swapped;
        }
        System.arraycopy(pool, 0, to, at, count);
    }

    static int[][] batches(int[] order, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        int[][] batches = new int[Math.ceilDiv(order.length, batchSize)][];
        for (int b = 0; b < batches.length; b++) {
            int start = b * batchSize;
            batches[b] = Arrays.copyOfRange(order, start, Math.min(start + batchSize, order.length));
        }
        return batches;
    }
}
