package dev.trainer.data;

import dev.trainer.DataException;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenized text samples in memory, unpadded, with the model inputs they fill and optionally
 * labels. Immutable. Read by {@link Datasets#read(java.nio.file.Path, List, Labelling, Datasets.TextOptions)}
 * from JSONL; batched, padded per batch, by {@link TextBatchAssembler}.
 *
 * <p>Tokens are kept flat, sample after sample, so that a million short samples are three
 * arrays and not a million objects.
 */
public final class TextDataset extends SampleSet {

    /** The token ids. */
    public static final String INPUT_IDS = "input_ids";
    /** 1 on tokens, 0 on padding. */
    public static final String ATTENTION_MASK = "attention_mask";
    /** The segment of each token: 0 for the text, 1 for its pair. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** The inputs text fills, by the names HuggingFace's exported models give them. */
    public static final List<String> TEXT_INPUTS = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

    private final List<InputSpec> inputs;
    private final long padId;
    private final int[] offsets;
    private final int[] ids;
    private final int[] typeIds;
    private final List<String> classNames;
    private final int longest;

    /**
     * @param inputs     the model inputs to fill, as checked by {@link #requireTextInputs}
     * @param offsets    where each sample's tokens start in {@code ids}, plus the end: size + 1 entries
     * @param labels     the labels, or null
     * @param classNames class names by id when the labels were names, else empty
     * @param lines      each sample's line in the file, 1-based
     */
    TextDataset(String source, List<InputSpec> inputs, long padId, int[] offsets, int[] ids, int[] typeIds,
                Labels labels, List<String> classNames, int[] lines) {
        if (ids.length != typeIds.length || offsets[offsets.length - 1] != ids.length) {
            throw new IllegalArgumentException(source + ": token offsets do not match the tokens");
        }
        super(source, labels, offsets.length - 1, lines);
        this.inputs = List.copyOf(inputs);
        this.padId = padId;
        this.offsets = offsets;
        this.ids = ids;
        this.typeIds = typeIds;
        this.classNames = List.copyOf(classNames);
        int max = 0;
        for (int i = 0; i + 1 < offsets.length; i++) {
            max = Math.max(max, offsets[i + 1] - offsets[i]);
        }
        this.longest = max;
    }

    /**
     * Throws a {@link DataException} unless every model input is one text fills (see
     * {@link #TEXT_INPUTS}) with an integer type and shape {@code [batch, sequence]}, and a fixed
     * sequence length, if the model has one, holds {@code maxLength} tokens.
     */
    static void requireTextInputs(String source, List<InputSpec> inputs, int maxLength) {
        for (InputSpec input : inputs) {
            if (!TEXT_INPUTS.contains(input.name())) {
                throw new DataException(source + ": the model's input '" + input.name() + "' cannot be filled from text;"
                        + " text fills " + String.join(", ", TEXT_INPUTS));
            }
            if (input.type() != ElementType.INT64 && input.type() != ElementType.INT32) {
                throw new DataException(source + ": the model's input '" + input.name() + "' is " + input.type()
                        + ", but token inputs are INT64 or INT32");
            }
            long[] shape = input.shape();
            if (shape.length != 2) {
                throw new DataException(source + ": the model's input '" + input.name() + "' has shape "
                        + Shapes.format(shape) + ", but token inputs are [batch, sequence]");
            }
            if (shape[1] != InputSpec.SYMBOLIC && shape[1] < maxLength) {
                throw new DataException(source + ": the model's input '" + input.name() + "' takes " + shape[1]
                        + " tokens, fewer than the max length " + maxLength + "; lower the max length");
            }
        }
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    /** The model inputs the batches fill, in the model's order. */
    public List<InputSpec> inputs() {
        return inputs;
    }

    /** The token id padding takes. */
    public long padId() {
        return padId;
    }

    /** Tokens in the longest sample, special tokens included. */
    public int longest() {
        return longest;
    }

    /** One sample's token ids, special tokens included, unpadded. */
    public long[] ids(int sample) {
        return Arrays.stream(ids, offsets[sample], offsets[sample + 1]).asLongStream().toArray();
    }

    /** One sample's token type ids, as long as {@link #ids}. */
    public long[] typeIds(int sample) {
        return Arrays.stream(typeIds, offsets[sample], offsets[sample + 1]).asLongStream().toArray();
    }

    /**
     * The class names by class id, when the labels were given as names: the training file's sorted
     * names, which validation data must share and an exported model should record. Empty when the
     * labels were integer ids, or are regression targets.
     */
    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** Batches through a {@link TextBatchAssembler}. */
    @Override
    public BatchSource batches(int maxBatchSize, Arena arena) {
        return new TextBatchAssembler(this, maxBatchSize, arena);
    }

    @Override
    public TextDataset subset(int[] indices) {
        int[] newOffsets = new int[indices.length + 1];
        for (int i = 0; i < indices.length; i++) {
            newOffsets[i + 1] = newOffsets[i] + length(indices[i]);
        }
        int[] newIds = new int[newOffsets[indices.length]];
        int[] newTypeIds = new int[newIds.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(ids, offsets[indices[i]], newIds, newOffsets[i], length(indices[i]));
            System.arraycopy(typeIds, offsets[indices[i]], newTypeIds, newOffsets[i], length(indices[i]));
        }
        return new TextDataset(source(), inputs, padId, newOffsets, newIds, newTypeIds, labelsAt(indices),
                classNames, linesAt(indices));
    }

    /** Where a sample's tokens start in the flat arrays {@link #id} and {@link #typeId} read. */
    int start(int sample) {
        return offsets[sample];
    }

    /** Tokens in a sample. */
    int length(int sample) {
        return offsets[sample + 1] - offsets[sample];
    }

    /** The id of the token at flat position {@code k}. */
    int id(int k) {
        return ids[k];
    }

    /** The type id of the token at flat position {@code k}. */
    int typeId(int k) {
        return typeIds[k];
    }
}
