/**
 * Watching a run and judging it afterwards: per-layer gradient and update statistics taken
 * from the parameter buffer during training, {@link dev.trainer.monitor.RunHistory} read back
 * from {@code metrics.jsonl}, a {@link dev.trainer.monitor.Diagnosis} of what went wrong with
 * the flags to try, and a PNG of the run's curves.
 *
 * <p>Reads the training loop's outputs and never drives it: the loop decides when to take
 * statistics (they cost a pass over every parameter, see {@link dev.trainer.monitor.LayerStatistics}).
 */
package dev.trainer.monitor;
