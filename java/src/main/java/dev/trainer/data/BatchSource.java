package dev.trainer.data;

/**
 * Makes batches of a data set's samples, so that a training or evaluation loop need not know
 * whether they are fixed-shape features ({@link BatchAssembler}), token sequences padded per
 * batch ({@link TextBatchAssembler}) or images decoded in the background ({@link ImageLoader}).
 * Close it when done: a source may hold threads.
 */
public interface BatchSource extends AutoCloseable {

    /**
     * Fills the source's buffers with the samples at {@code indices}, in that order, and returns
     * them as a batch, valid until the next call; the previous batch's contents are overwritten.
     *
     * @throws IllegalArgumentException for no indices or more than the source was sized for
     */
    Batch assemble(int[] indices);

    /**
     * Says which batches {@link #assemble} will be asked for next, in order, and in which epoch
     * (augmentation differs by epoch), so that a source that decodes in the background can start
     * on them. A hint: the batches assembled may still differ. Sources that do not read ahead
     * ignore it.
     */
    default void plan(int epoch, int[][] batches) {
    }

    /** Stops any background work; batches already returned stay valid. Sources without any hold nothing. */
    @Override
    default void close() {
    }
}
