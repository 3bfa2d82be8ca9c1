/**
 * A run's configuration as typed, immutable records: {@link dev.trainer.config.RunConfig} and its
 * sections, and the option values that are more than numbers ({@link dev.trainer.config.LrSchedule},
 * {@link dev.trainer.config.ClassWeights}, {@link dev.trainer.config.ParameterPattern}, ...), each
 * with a {@code parse(String)} that reads the command line's spelling and fails with one line
 * naming the option. Everything here is checked when built, before any model is read.
 */
package dev.trainer.config;
