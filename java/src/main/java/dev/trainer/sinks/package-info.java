/**
 * Where a run's numbers go besides {@code metrics.jsonl} ({@code --report-to}): TensorBoard
 * event files ({@link dev.trainer.sinks.tensorboard.TensorBoardListener} over a
 * {@link dev.trainer.sinks.tensorboard.TensorBoardWriter}) and a tidy CSV
 * ({@link dev.trainer.sinks.MetricsCsv}). Each is a {@link dev.trainer.events.TrainingListener}
 * that turns the events it hears into its format; none reads the loop's state.
 */
package dev.trainer.sinks;
