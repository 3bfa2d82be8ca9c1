package dev.trainer.train.schedule;

/**
 * PyTorch's {@code CosineAnnealingLR} with {@code T_max = totalSteps}: half a cosine from
 * {@code baseLr} at step 0 down to {@code minLr},
 * {@code minLr + (baseLr − minLr)·(1 + cos(π·step/totalSteps))/2}.
 * Past {@code totalSteps} it stays at {@code minLr}, where PyTorch's would climb back up, because
 * a run that outlives its planned length should not have its rate raised again.
 */
public record CosineSchedule(double baseLr, double minLr, long totalSteps) implements LearningRateSchedule {

    public CosineSchedule {
        Schedules.requireLearningRate("base lr", baseLr);
        Schedules.requireLearningRate("min lr", minLr);
        Schedules.requirePositive("total steps", totalSteps);
    }

    @Override
    public double learningRate(long step) {
        return step >= totalSteps ? minLr : Schedules.cosine(baseLr, minLr, (double) step / totalSteps);
    }
}
