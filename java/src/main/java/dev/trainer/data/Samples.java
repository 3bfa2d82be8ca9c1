package dev.trainer.data;

import java.lang.foreign.Arena;
import java.util.List;

/**
 * What a training loop needs of a data set, whichever kind it is: how many samples, their
 * labels, and batches of them. {@link Dataset} holds fixed-shape features (CSV, NPZ);
 * {@link TextDataset} holds token sequences of varying length (JSONL); {@link ImageDataset}
 * holds image files, decoded batch by batch.
 */
public sealed interface Samples permits SampleSet {

    /** Where the samples came from, e.g. the file name. */
    String source();

    /** Number of samples. */
    int size();

    /**
     * How error messages name a sample, the same way everywhere: its line in a CSV or JSONL file
     * ({@code line 57}, counting the header), else its position from 1 ({@code sample 3}).
     */
    String sampleName(int sample);

    /** Whether labels were read; data for {@code predict} may have none. */
    boolean hasLabels();

    /** The labels; throws {@link IllegalStateException} when there are none. */
    Labels labels();

    /**
     * The class names by id when the data names its classes (text labels that are names, image
     * class folders); empty when classes are ids or the labels are values.
     */
    List<String> classNames();

    /** The samples at {@code indices}, in that order, as a data set of the same kind. */
    Samples subset(int[] indices);

    /**
     * A batch maker for these samples with buffers for up to {@code maxBatchSize} samples,
     * allocated once in {@code arena} and living as long as it.
     */
    BatchSource batches(int maxBatchSize, Arena arena);
}
