package dev.trainer.data;

import dev.trainer.DataException;
import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * Samples in memory: one {@link Feature} per model input, in the model's input order, and
 * optionally {@link Labels} (a data set read for prediction may have none). Immutable.
 */
public final class Dataset extends SampleSet {

    private final SequencedMap<String, Feature> features;
    private final int size;

    /**
     * @param source   where the samples came from, as error messages should name it
     * @param features per input name, in the model's input order; at least one
     * @param labels   the labels, or null when there are none
     * @throws IllegalArgumentException when the features and labels disagree on the sample count
     */
    public Dataset(String source, Map<String, Feature> features, Labels labels) {
        this(source, features, labels, null);
    }

    /**
     * As {@link #Dataset(String, Map, Labels)}, for samples read from the lines of a text file.
     *
     * @param lines each sample's line in the file, 1-based, or null
     */
    Dataset(String source, Map<String, Feature> features, Labels labels, int[] lines) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException(source + ": a data set needs at least one input");
        }
        SequencedMap<String, Feature> inputs = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(features));
        int samples = inputs.firstEntry().getValue().size();
        inputs.forEach((name, feature) -> {
            if (feature.size() != samples) {
                throw new IllegalArgumentException(source + ": input '" + name + "' has " + feature.size()
                        + " samples, but '" + inputs.firstEntry().getKey() + "' has " + samples);
            }
        });
        super(source, labels, samples, lines);
        this.features = inputs;
        this.size = samples;
    }

    /** Number of samples. */
    @Override
    public int size() {
        return size;
    }

    /** The model inputs this data set fills, in the model's order. */
    public List<String> inputNames() {
        return List.copyOf(features.keySet());
    }

    /** The values for one input. */
    public Feature feature(String inputName) {
        Feature feature = features.get(inputName);
        if (feature == null) {
            throw new IllegalArgumentException(source() + " has no input '" + inputName + "'");
        }
        return feature;
    }

    /** Batches through a {@link BatchAssembler}. */
    /** None: a table's labels are class ids or values. */
    @Override
    public List<String> classNames() {
        return List.of();
    }

    @Override
    public BatchSource batches(int maxBatchSize, Arena arena) {
        return new BatchAssembler(this, maxBatchSize, arena);
    }

    /** Highest class id plus one; only for classification labels. */
    public int numClassesSeen() {
        return labels().numClassesSeen();
    }

    /** The samples at {@code indices}, in that order, e.g. a train or validation split. */
    public Dataset subset(int[] indices) {
        Map<String, Feature> picked = new LinkedHashMap<>();
        features.forEach((name, feature) -> picked.put(name, feature.subset(indices)));
        return new Dataset(source(), picked, labelsAt(indices), linesAt(indices));
    }

    /**
     * Throws a {@link DataException} naming the first NaN or infinite feature value or target,
     * by input and {@link #sampleName sample}; a non-finite input would poison every gradient after it.
     */
    public void requireFinite() {
        features.forEach((name, feature) -> {
            if (feature.floats() != null) {
                requireFinite(feature.floats(), feature.sampleSize(), "input '" + name + "'");
            }
        });
        if (hasLabels() && labels().targets() != null) {
            requireFinite(labels().targets(), labels().sampleSize(), "labels");
        }
    }

    private void requireFinite(float[] values, int sampleSize, String what) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DataException(source() + ": " + what + " of " + sampleName(i / sampleSize) + " holds "
                        + values[i]);
            }
        }
    }
}
