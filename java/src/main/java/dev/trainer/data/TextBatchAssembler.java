package dev.trainer.data;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies tokenized samples of a {@link TextDataset} into native buffers, one batch at a time,
 * padded per batch: a batch's sequence length is its longest sample's, so short batches cost
 * short steps. A model whose inputs fix the sequence length gets that length instead.
 * Padding takes the tokenizer's pad id, type id 0 and attention mask 0.
 *
 * <p>Ownership as for {@link BatchAssembler}: buffers for {@code maxBatchSize} samples of the data
 * set's longest length are allocated once in the caller's arena, every {@link #assemble}
 * overwrites them, and a batch gets views of their first bytes. Not thread-safe.
 */
public final class TextBatchAssembler implements BatchSource {

    private final TextDataset dataset;
    private final int maxBatchSize;
    private final Map<String, ByteBuffer> inputBuffers = new LinkedHashMap<>();
    private final ByteBuffer labelBuffer;

    /** Allocates buffers in {@code arena} for batches of up to {@code maxBatchSize} samples. */
    public TextBatchAssembler(TextDataset dataset, int maxBatchSize, Arena arena) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("batch size " + maxBatchSize);
        }
        this.dataset = dataset;
        this.maxBatchSize = maxBatchSize;
        for (InputSpec input : dataset.inputs()) {
            long length = fixedLength(input) > 0 ? fixedLength(input) : dataset.longest();
            inputBuffers.put(input.name(),
                    BatchAssembler.allocate(arena, Math.max(1, length) * maxBatchSize * input.type().bytes()));
        }
        this.labelBuffer = dataset.hasLabels() ? BatchAssembler.labelBuffer(dataset.labels(), maxBatchSize, arena) : null;
    }

    /** The sequence length the model fixes for {@code input}, or -1 when it takes any. */
    private static long fixedLength(InputSpec input) {
        return input.shape()[1];
    }

    @Override
    public Batch assemble(int[] indices) {
        BatchAssembler.requireBatchSize(indices, maxBatchSize);
        int n = indices.length;
        int longest = 0;
        for (int index : indices) {
            longest = Math.max(longest, dataset.length(index));
        }
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        for (InputSpec input : dataset.inputs()) {
            int length = fixedLength(input) > 0 ? (int) fixedLength(input) : longest;
            ByteBuffer view = BatchAssembler.view(inputBuffers.get(input.name()), n * length * input.type().bytes());
            fill(input, indices, length, view);
            inputs.put(input.name(), new HostTensor(input.type(), new long[] {n, length}, view));
        }
        return new Batch(n, inputs, dataset.hasLabels() ? BatchAssembler.labels(dataset.labels(), indices, labelBuffer) : null,
                null);
    }

    /** Writes {@code length} values per sample: the sample's tokens' values, then padding's. */
    private void fill(InputSpec input, int[] indices, int length, ByteBuffer view) {
        long pad = input.name().equals(TextDataset.INPUT_IDS) ? dataset.padId() : 0;
        int position = 0;
        for (int index : indices) {
            int start = dataset.start(index);
            int tokens = dataset.length(index);
            for (int t = 0; t < length; t++) {
                long value = t >= tokens ? pad : switch (input.name()) {
                    case TextDataset.INPUT_IDS -> dataset.id(start + t);
                    case TextDataset.TOKEN_TYPE_IDS -> dataset.typeId(start + t);
                    default -> 1; // attention_mask: the inputs were checked to be text inputs
                };
                if (input.type() == ElementType.INT64) {
                    view.putLong(position, value);
                } else {
                    view.putInt(position, (int) value);
                }
                position += input.type().bytes();
            }
        }
    }
}
