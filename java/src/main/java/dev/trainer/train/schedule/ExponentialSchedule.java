package dev.trainer.train.schedule;

/** PyTorch's {@code ExponentialLR}: {@code baseLr · gamma^step}. */
public record ExponentialSchedule(double baseLr, double gamma) implements LearningRateSchedule {

    public ExponentialSchedule {
        Schedules.requireLearningRate("base lr", baseLr);
        Schedules.requirePositive("gamma", gamma);
    }

    @Override
    public double learningRate(long step) {
        return baseLr * Math.pow(gamma, step);
    }
}
