package dev.trainer.train.schedule;

/**
 * What a stateful schedule (reduce-on-plateau) has learnt from the validation results it heard:
 * enough to put it back exactly where it was.
 *
 * @param learningRate the current rate
 * @param best         the best result heard
 * @param badResults   results in a row that did not beat it
 */
public record ScheduleState(double learningRate, double best, int badResults) {
}
