package dev.trainer.events;

import dev.trainer.config.StoppingMetric;
import java.nio.file.Path;

/**
 * The parameters were kept as a checkpoint: today the best so far by early stopping's metric,
 * held in memory to be restored and exported.
 *
 * @param epoch  the epoch it was taken in
 * @param step   steps taken before it
 * @param metric the metric it is best by
 * @param value  the metric's value there
 * @param file   where the checkpoint was written, or {@code null} when it is held in memory
 */
public record CheckpointEvent(int epoch, long step, StoppingMetric metric, double value, Path file)
        implements TrainingEvent {
}
