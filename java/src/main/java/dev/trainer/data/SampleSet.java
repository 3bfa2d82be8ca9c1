package dev.trainer.data;

/**
 * What every kind of data set holds besides its samples: where they came from, and their labels
 * when there are any, one per sample.
 */
abstract sealed class SampleSet implements Samples permits Dataset, TextDataset, ImageDataset {

    private final String source;
    private final Labels labels;
    private final int[] lines;

    /**
     * @param labels the labels, or null
     * @param lines  each sample's line in a text file (1-based), or null for samples that have no lines
     * @throws IllegalArgumentException when there are labels or lines, but not {@code size} of them
     */
    SampleSet(String source, Labels labels, int size, int[] lines) {
        if (labels != null && labels.size() != size) {
            throw new IllegalArgumentException(source + ": " + labels.size() + " labels for " + size + " samples");
        }
        if (lines != null && lines.length != size) {
            throw new IllegalArgumentException(source + ": " + lines.length + " line numbers for " + size + " samples");
        }
        this.source = source;
        this.labels = labels;
        this.lines = lines;
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

    @Override
    public final String sampleName(int sample) {
        return lines != null ? "line " + lines[sample] : "sample " + (sample + 1);
    }

    /** The line numbers of the samples at {@code indices}, or null when they have none. */
    final int[] linesAt(int[] indices) {
        if (lines == null) {
            return null;
        }
        int[] picked = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = lines[indices[i]];
        }
        return picked;
    }

    /** The labels of the samples at {@code indices}, or null when there are none. */
    final Labels labelsAt(int[] indices) {
        return labels == null ? null : labels.subset(indices);
    }
}
