package dev.trainer.train.schedule;

/**
 * PyTorch's {@code StepLR}: {@code baseLr · gamma^⌊step / stepSize⌋}, so the rate drops by
 * {@code gamma} every {@code stepSize} steps.
 */
public record StepDecaySchedule(double baseLr, long stepSize, double gamma) implements LearningRateSchedule {

    public StepDecaySchedule {
        Schedules.requireLearningRate("base lr", baseLr);
        Schedules.requirePositive("step size", stepSize);
        Schedules.requirePositive("gamma", gamma);
    }

    @Override
    public double learningRate(long step) {
        return baseLr * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }
}
