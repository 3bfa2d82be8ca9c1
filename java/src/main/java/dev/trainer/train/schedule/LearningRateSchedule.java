package dev.trainer.train.schedule;

/**
 * The learning rate of each optimizer step of a run whose length is known when the schedule is
 * built. Implementations are the PyTorch schedulers of the same names, written as functions of the
 * step rather than as objects stepped in place, so that a resumed or re-run step gets the same value.
 *
 * <p>Only {@link ReduceOnPlateauSchedule} has state: it changes when it {@linkplain #observe hears} a
 * validation result. All other schedules are immutable.
 */
public interface LearningRateSchedule {

    /**
     * The learning rate for an optimizer step.
     *
     * @param step the 0-based index of the optimizer step about to run; the value PyTorch's scheduler
     *     reports after {@code step} calls to {@code scheduler.step()}
     */
    double learningRate(long step);

    /**
     * The momentum for an optimizer step when the schedule cycles it (one-cycle does, inversely to
     * the learning rate): SGD's momentum, or Adam's β1. {@code NaN} keeps the optimizer's own.
     */
    default double momentum(long step) {
        return Double.NaN;
    }

    /**
     * Hears a validation result (e.g. the validation loss after an epoch). Only reduce-on-plateau
     * uses it; every other schedule ignores it, so the loop may call it unconditionally.
     */
    default void observe(double validationMetric) {
    }

    /** What the schedule learnt from {@link #observe}, or {@code null} when it keeps no state. */
    default ScheduleState state() {
        return null;
    }

    /** Puts back a {@link #state()}; a stateless schedule ignores it. */
    default void restore(ScheduleState state) {
    }
}
