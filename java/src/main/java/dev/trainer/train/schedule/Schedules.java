package dev.trainer.train.schedule;

import dev.trainer.config.LrSchedule;
import dev.trainer.config.ScheduleConfig;
import dev.trainer.config.Warmup;

/** Builds the schedule a configuration names; the checks and the cosine curve the schedules share. */
public final class Schedules {

    /** PyTorch's ReduceLROnPlateau threshold (relative). */
    private static final double PLATEAU_THRESHOLD = 1e-4;

    private Schedules() {
    }

    /**
     * The configured schedule, with its linear warm-up in front; the schedule's own length is what
     * remains of the run after the warm-up.
     *
     * @param baseLr     the base learning rate ({@code --lr})
     * @param totalSteps the number of optimizer steps in the run, warm-up included, >= 1
     * @throws IllegalArgumentException when the run is empty or the warm-up does not fit it
     */
    public static LearningRateSchedule of(ScheduleConfig config, double baseLr, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a schedule needs the run's number of steps, at least 1, not " + totalSteps);
        }
        long warmupSteps = config.warmup().steps(totalSteps);
        if (warmupSteps < 0 || warmupSteps >= totalSteps) {
            String option = config.warmup() instanceof Warmup.Ratio r ? "--warmup-ratio " + r.ratio()
                    : "--warmup-steps " + warmupSteps;
            throw new IllegalArgumentException(option + ": a warm-up of " + warmupSteps + " steps does not fit a run of "
                    + totalSteps + " steps (epochs × batches, or --max-steps); it must be from 0 to " + (totalSteps - 1));
        }
        long steps = totalSteps - warmupSteps;
        LearningRateSchedule schedule = switch (config.schedule()) {
            case LrSchedule.Constant c -> new ConstantSchedule(baseLr);
            case LrSchedule.StepDecay(long stepSize, double gamma) -> new StepDecaySchedule(baseLr, stepSize, gamma);
            case LrSchedule.Exponential(double gamma) -> new ExponentialSchedule(baseLr, gamma);
            case LrSchedule.Cosine(double minLr) -> new CosineSchedule(baseLr, minLr, steps);
            case LrSchedule.CosineRestarts(long t0, long tMult, double minLr) ->
                    new CosineRestartsSchedule(baseLr, minLr, t0, tMult);
            case LrSchedule.OneCycle(Double maxLr) -> new OneCycleSchedule(maxLr == null ? baseLr : maxLr, steps);
            case LrSchedule.Plateau(double factor, int patience) ->
                    new ReduceOnPlateauSchedule(baseLr, factor, patience, 0, PLATEAU_THRESHOLD, true);
        };
        return warmupSteps == 0 ? schedule : new WarmupSchedule(schedule, warmupSteps);
    }

    /** The point {@code fraction} of the way along half a cosine from {@code from} (at 0) to {@code to} (at 1). */
    static double cosine(double from, double to, double fraction) {
        // PyTorch's expression order, so that the fixtures match to the last bits.
        return to + (from - to) / 2 * (1 + Math.cos(Math.PI * fraction));
    }

    static void requireLearningRate(String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, not " + value);
        }
    }

    static void requirePositive(String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, not " + value);
        }
    }

    static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be >= 1, not " + value);
        }
    }
}
