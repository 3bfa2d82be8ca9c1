package dev.trainer.train.step;

import dev.trainer.data.Batch;
import dev.trainer.data.augment.Mix;

/**
 * One batch of a step's window (one of the {@code --grad-accum} batches whose gradients a step
 * accumulates).
 *
 * @param mix how the batch's inputs were mixed (mixup), or {@code null}
 */
public record MicroBatch(Batch batch, Mix mix) {
}
