package dev.trainer.events;

import dev.trainer.config.StoppingMetric;
import java.nio.file.Path;

/**
 * The run's state was kept as a checkpoint: either a file that {@code trainer resume} continues
 * from ({@code file} set, written every {@code --save-every} steps or each epoch, and at the end),
 * or the best parameters so far by early stopping's metric, held in memory to be restored and
 * exported ({@code metric} set).
 *
 * @param epoch  the epoch it was taken in
 * @param step   steps taken before it
 * @param metric the metric it is best by, or {@code null} for a checkpoint file
 * @param value  the metric's value there, or NaN
 * @param file   where the checkpoint was written, or {@code null} when it is held in memory
 */
public record CheckpointEvent(int epoch, long step, StoppingMetric metric, double value, Path file)
        implements TrainingEvent {
}
