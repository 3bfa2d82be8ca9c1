package dev.trainer.data;

import java.util.Objects;

/**
 * The labels of a data set: class ids for {@link Task#CLASSIFICATION}, float targets for
 * {@link Task#REGRESSION}. Exactly one of the two arrays is non-null, and like a
 * {@link Feature}'s it is handed over, not copied.
 *
 * @param sampleShape the shape of one sample's label: {@code []} for a class id; for targets
 *                    {@code [1]} from a CSV column, or whatever an NPZ {@code labels} array has
 *                    after its first axis
 * @param weights     each sample's loss weight, finite and >= 0, or {@code null} for all ones
 */
public record Labels(Task task, long[] sampleShape, int[] classes, float[] targets, float[] weights) {

    public Labels {
        Objects.requireNonNull(task, "task");
        sampleShape = sampleShape.clone();
        if (task == Task.CLASSIFICATION) {
            if (classes == null || targets != null || sampleShape.length != 0) {
                throw new IllegalArgumentException("classification labels are one class id per sample");
            }
        } else {
            long sampleSize = Shapes.elementCount(sampleShape);
            if (targets == null || classes != null || sampleSize < 1 || targets.length % sampleSize != 0) {
                throw new IllegalArgumentException("regression targets must be whole samples of "
                        + Shapes.format(sampleShape));
            }
        }
        if (weights != null) {
            int samples = classes != null ? classes.length : (int) (targets.length / Shapes.elementCount(sampleShape));
            if (weights.length != samples) {
                throw new IllegalArgumentException(weights.length + " sample weights for " + samples + " samples");
            }
            for (int i = 0; i < weights.length; i++) {
                if (!(weights[i] >= 0) || Float.isInfinite(weights[i])) {
                    throw new IllegalArgumentException("the weight of sample " + (i + 1) + " is " + weights[i]
                            + "; sample weights must be finite and >= 0");
                }
            }
        }
    }

    /** One class id per sample. */
    public static Labels ofClasses(int[] classes) {
        return new Labels(Task.CLASSIFICATION, new long[0], classes, null, null);
    }

    /** Regression targets, {@code sampleShape} per sample. */
    public static Labels ofTargets(long[] sampleShape, float[] targets) {
        return new Labels(Task.REGRESSION, sampleShape, null, targets, null);
    }

    /**
     * These labels with a loss weight per sample.
     *
     * @throws IllegalArgumentException for a count other than the samples', or a negative or non-finite weight
     */
    public Labels withWeights(float[] sampleWeights) {
        return new Labels(task, sampleShape, classes, targets, sampleWeights);
    }

    /** Whether the samples carry loss weights. */
    public boolean weighted() {
        return weights != null;
    }

    @Override
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Elements in one sample's label. */
    public int sampleSize() {
        return (int) Shapes.elementCount(sampleShape);
    }

    /** Number of samples. */
    public int size() {
        return classes != null ? classes.length : targets.length / sampleSize();
    }

    /** Highest class id plus one, 0 without samples; only for classification. */
    public int numClassesSeen() {
        if (classes == null) {
            throw new IllegalStateException("regression targets have no classes");
        }
        int max = -1;
        for (int c : classes) {
            max = Math.max(max, c);
        }
        return max + 1;
    }

    /**
     * The sample indices of each class id, ascending, index = class, up to the highest id seen;
     * only for classification. Splits, samplers and SMOTE all work class by class.
     */
    public int[][] indicesByClass() {
        int[] counts = new int[numClassesSeen()];
        for (int c : classes) {
            counts[c]++;
        }
        int[][] byClass = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] filled = new int[counts.length];
        for (int i = 0; i < classes.length; i++) {
            byClass[classes[i]][filled[classes[i]]++] = i;
        }
        return byClass;
    }

    /** The labels at {@code indices}, in that order, in a new array. */
    public Labels subset(int[] indices) {
        float[] pickedWeights = null;
        if (weights != null) {
            pickedWeights = new float[indices.length];
            for (int i = 0; i < indices.length; i++) {
                pickedWeights[i] = weights[indices[i]];
            }
        }
        if (classes != null) {
            int[] picked = new int[indices.length];
            for (int i = 0; i < indices.length; i++) {
                picked[i] = classes[indices[i]];
            }
            return new Labels(task, sampleShape, picked, null, pickedWeights);
        }
        int sampleSize = sampleSize();
        float[] picked = new float[indices.length * sampleSize];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(targets, Math.multiplyExact(indices[i], sampleSize), picked, i * sampleSize, sampleSize);
        }
        return new Labels(task, sampleShape, null, picked, pickedWeights);
    }
}
