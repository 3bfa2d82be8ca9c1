package dev.trainer.data;

/**
 * Makes batches of a data set's samples, so that a training or evaluation loop need not know
 * whether they are fixed-shape features ({@link BatchAssembler}) or token sequences padded per
 * batch ({@link TextBatchAssembler}).
 */
public interface BatchSource {

    /**
     * Fills the source's buffers with the samples at {@code indices}, in that order, and returns
     * them as a batch, valid until the next call; the previous batch's contents are overwritten.
     *
     * @throws IllegalArgumentException for no indices or more than the source was sized for
     */
    Batch assemble(int[] indices);
}
