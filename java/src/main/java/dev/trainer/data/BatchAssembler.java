package dev.trainer.data;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies samples of a {@link Dataset} into native buffers, one batch at a time, reusing the same
 * buffers for every batch so that a training loop allocates nothing per step.
 *
 * <p>Ownership: the buffers are allocated once, sized for {@code maxBatchSize}, in the arena the
 * caller passes, and live as long as it. Each {@link #assemble} overwrites them, so a
 * {@link Batch} is valid until the next call; a smaller batch gets views of the first bytes. Not
 * thread-safe; with a confined arena, only its owner thread may read the buffers.
 */
public final class BatchAssembler implements BatchSource {

    private static final long ALIGNMENT = 64;

    private final Dataset dataset;
    private final int maxBatchSize;
    private final Map<String, ByteBuffer> inputBuffers = new LinkedHashMap<>();
    private final ByteBuffer labelBuffer;
    private final ByteBuffer weightBuffer;

    /** Allocates buffers in {@code arena} for batches of up to {@code maxBatchSize} samples. */
    public BatchAssembler(Dataset dataset, int maxBatchSize, Arena arena) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("batch size " + maxBatchSize);
        }
        this.dataset = dataset;
        this.maxBatchSize = maxBatchSize;
        for (String name : dataset.inputNames()) {
            Feature feature = dataset.feature(name);
            inputBuffers.put(name, allocate(arena, (long) feature.sampleSize() * feature.type().bytes() * maxBatchSize));
        }
        this.labelBuffer = dataset.hasLabels() ? labelBuffer(dataset.labels(), maxBatchSize, arena) : null;
        this.weightBuffer = weightBuffer(dataset, maxBatchSize, arena);
    }

    /** A buffer for the loss weights of up to {@code maxBatchSize} samples, or null when they weigh alike. */
    static ByteBuffer weightBuffer(Samples samples, int maxBatchSize, Arena arena) {
        return samples.hasLabels() && samples.labels().weighted()
                ? allocate(arena, (long) Float.BYTES * maxBatchSize) : null;
    }

    /** The loss weights at {@code indices}, written into {@code weightBuffer}; null without one. */
    static HostTensor weights(Labels labels, int[] indices, ByteBuffer weightBuffer) {
        if (weightBuffer == null) {
            return null;
        }
        ByteBuffer view = view(weightBuffer, indices.length * Float.BYTES);
        var floats = view.asFloatBuffer();
        for (int index : indices) {
            floats.put(labels.weights()[index]);
        }
        return new HostTensor(ElementType.FLOAT, new long[] {indices.length}, view);
    }

    /** A direct buffer of {@code bytes} in native order, aligned for any element type. */
    static ByteBuffer allocate(Arena arena, long bytes) {
        return arena.allocate(bytes, ALIGNMENT).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** A buffer for the labels of up to {@code maxBatchSize} samples: int32 ids or float32 targets, 4 bytes each. */
    static ByteBuffer labelBuffer(Labels labels, int maxBatchSize, Arena arena) {
        return allocate(arena, (long) labels.sampleSize() * Float.BYTES * maxBatchSize);
    }

    /** Throws unless {@code indices} is a batch of 1 to {@code maxBatchSize} samples. */
    static void requireBatchSize(int[] indices, int maxBatchSize) {
        if (indices.length < 1 || indices.length > maxBatchSize) {
            throw new IllegalArgumentException(indices.length + " samples for batches of at most " + maxBatchSize);
        }
    }

    @Override
    public Batch assemble(int[] indices) {
        requireBatchSize(indices, maxBatchSize);
        int n = indices.length;
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        for (String name : dataset.inputNames()) {
            Feature feature = dataset.feature(name);
            ByteBuffer view = view(inputBuffers.get(name), n * feature.sampleSize() * feature.type().bytes());
            fill(feature, indices, view);
            inputs.put(name, new HostTensor(feature.type(), Shapes.withBatch(n, feature.sampleShape()), view));
        }
        return new Batch(n, inputs, dataset.hasLabels() ? labels(dataset.labels(), indices, labelBuffer) : null,
                dataset.hasLabels() ? weights(dataset.labels(), indices, weightBuffer) : null);
    }

    /** The labels at {@code indices}, written into {@code labelBuffer} as made by {@link #labelBuffer}. */
    static HostTensor labels(Labels labels, int[] indices, ByteBuffer labelBuffer) {
        int n = indices.length;
        ByteBuffer view = view(labelBuffer, n * labels.sampleSize() * 4);
        if (labels.task() == Task.CLASSIFICATION) {
            var ints = view.asIntBuffer();
            for (int index : indices) {
                ints.put(labels.classes()[index]);
            }
            return new HostTensor(ElementType.INT32, new long[] {n}, view);
        }
        var floats = view.asFloatBuffer();
        int sampleSize = labels.sampleSize();
        for (int index : indices) {
            floats.put(labels.targets(), index * sampleSize, sampleSize);
        }
        return new HostTensor(ElementType.FLOAT, Shapes.withBatch(n, labels.sampleShape()), view);
    }

    /** The first {@code bytes} of {@code buffer} as a buffer of its own; slicing drops the byte order. */
    static ByteBuffer view(ByteBuffer buffer, int bytes) {
        return buffer.slice(0, bytes).order(ByteOrder.nativeOrder());
    }

    private static void fill(Feature feature, int[] indices, ByteBuffer view) {
        int sampleSize = feature.sampleSize();
        switch (feature.type()) {
            case FLOAT -> {
                var out = view.asFloatBuffer();
                for (int index : indices) {
                    out.put(feature.floats(), index * sampleSize, sampleSize);
                }
            }
            case DOUBLE -> {
                var out = view.asDoubleBuffer();
                for (int index : indices) {
                    for (int k = index * sampleSize, end = k + sampleSize; k < end; k++) {
                        out.put(feature.floats()[k]);
                    }
                }
            }
            case INT64 -> {
                var out = view.asLongBuffer();
                for (int index : indices) {
                    out.put(feature.longs(), index * sampleSize, sampleSize);
                }
            }
            case INT32 -> {
                var out = view.asIntBuffer();
                for (int index : indices) {
                    for (int k = index * sampleSize, end = k + sampleSize; k < end; k++) {
                        out.put((int) feature.longs()[k]);
                    }
                }
            }
            case BOOL -> {
                for (int index : indices) {
                    for (int k = index * sampleSize, end = k + sampleSize; k < end; k++) {
                        view.put((byte) feature.longs()[k]);
                    }
                }
                view.rewind();
            }
        }
    }
}
