package dev.trainer.events;

/**
 * A validation between epoch ends: before training starts (epoch 0, step 0) and, with
 * {@code --eval-every N}, every N steps.
 *
 * @param epoch      the epoch it happened in, 0 before training
 * @param step       steps taken before it
 * @param validation the scores on the validation data
 */
public record EvaluationEvent(int epoch, long step, Scores validation) implements TrainingEvent {
}
