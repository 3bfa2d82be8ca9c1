package dev.trainer.data;

/**
 * What every kind of data set holds besides its samples: where they came from, and their labels
 * when there are any, one per sample.
 */
abstract sealed class SampleSet implements Samples permits Dataset, TextDataset, ImageDataset {

    private final String source;
    private final Labels labels;

    /**
     * @param labels the labels, or null
     * @throws IllegalArgumentException when there are labels, but not {@code size} of them
     */
    SampleSet(String source, Labels labels, int size) {
        if (labels != null && labels.size() != size) {
            throw new IllegalArgumentException(source + ": " + labels.size() + " labels for " + size + " samples");
        }
        this.source = source;
        this.labels = labels;
    }

    /** Where the samples came from, e.g. the file name. */
    @Override
    public final String source() {
        return source;
    }

    /** Whether labels were read; data for {@code predict} may have none. */
    @Override
    public final boolean hasLabels() {
        return labels != null;
    }

    /** The labels; throws {@link IllegalStateException} when there are none. */
    @Override
    public final Labels labels() {
        if (labels == null) {
            throw new IllegalStateException(source + " has no labels");
        }
        return labels;
    }

    /** The labels of the samples at {@code indices}, or null when there are none. */
    final Labels labelsAt(int[] indices) {
        return labels == null ? null : labels.subset(indices);
    }
}
