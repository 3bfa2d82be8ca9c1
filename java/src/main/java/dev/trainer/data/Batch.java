package dev.trainer.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * One batch as tensors: a {@link HostTensor} per model input and, when the data has labels, one
 * for them (int32 class ids of shape {@code [n]}, or float32 targets of shape {@code [n, ...]})
 * and, when the samples are weighted, one for their float32 loss weights ({@code [n]}).
 * The buffers belong to the {@link BatchAssembler} that made the batch and are valid until its
 * next {@code assemble} call or until its arena closes.
 */
public final class Batch {

    private final int size;
    private final SequencedMap<String, HostTensor> inputs;
    private final HostTensor labels;
    private final HostTensor weights;

    Batch(int size, Map<String, HostTensor> inputs, HostTensor labels, HostTensor weights) {
        this.size = size;
        this.inputs = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(inputs));
        this.labels = labels;
        this.weights = weights;
    }

    /** Number of samples. */
    public int size() {
        return size;
    }

    /** The model inputs, in the model's order. */
    public List<String> inputNames() {
        return List.copyOf(inputs.keySet());
    }

    /** The tensor for one input. */
    public HostTensor input(String name) {
        HostTensor tensor = inputs.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("batch has no input '" + name + "'");
        }
        return tensor;
    }

    /** Whether the batch carries labels. */
    public boolean hasLabels() {
        return labels != null;
    }

    /** The labels; throws {@link IllegalStateException} when there are none. */
    public HostTensor labels() {
        if (labels == null) {
            throw new IllegalStateException("batch has no labels");
        }
        return labels;
    }

    /** The samples' float32 loss weights {@code [n]}, or {@code null} when they weigh alike. */
    public HostTensor sampleWeights() {
        return weights;
    }

    /** The bytes of the inputs and the labels (if any): what a step on a device must send it. */
    public long inputAndLabelBytes() {
        long bytes = labels == null ? 0 : labels.data().remaining();
        for (HostTensor tensor : inputs.values()) {
            bytes += tensor.data().remaining();
        }
        return bytes;
    }
}
