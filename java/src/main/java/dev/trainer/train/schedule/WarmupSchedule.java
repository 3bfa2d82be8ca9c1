package dev.trainer.train.schedule;

/**
 * Linear warm-up in front of another schedule: steps {@code 0 … warmupSteps−1} ramp linearly to the
 * wrapped schedule's first rate, {@code after.learningRate(0) · (step + 1)/(warmupSteps + 1)}, and
 * step {@code warmupSteps + k} runs with {@code after.learningRate(k)}: the wrapped schedule starts
 * counting when the warm-up ends.
 *
 * <p>The ramp is PyTorch's {@code LinearLR} with {@code start_factor = 1/(warmupSteps + 1)} and
 * {@code total_iters = warmupSteps}. It starts one increment above zero rather than at zero (as
 * Hugging Face's linear warm-up does) so that no step is spent with a rate of 0, and it arrives at
 * the full rate exactly on the first step after the warm-up.
 */
public record WarmupSchedule(LearningRateSchedule after, long warmupSteps) implements LearningRateSchedule {

    public WarmupSchedule {
        if (after == null) {
            throw new IllegalArgumentException("warm-up needs a schedule to lead into");
        }
        Schedules.requirePositive("warm-up steps", warmupSteps);
    }

    @Override
    public double learningRate(long step) {
        if (step < warmupSteps) {
            return after.learningRate(0) * (step + 1) / (warmupSteps + 1);
        }
        return after.learningRate(step - warmupSteps);
    }

    /** The wrapped schedule's, counted from the end of the warm-up; the optimizer's own during it. */
    @Override
    public double momentum(long step) {
        return step < warmupSteps ? Double.NaN : after.momentum(step - warmupSteps);
    }

    /** Passed on to the wrapped schedule, during the warm-up too. */
    @Override
    public void observe(double validationMetric) {
        after.observe(validationMetric);
    }

    @Override
    public ScheduleState state() {
        return after.state();
    }

    @Override
    public void restore(ScheduleState state) {
        after.restore(state);
    }
}
