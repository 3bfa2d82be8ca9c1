package dev.trainer.train.schedule;

/**
 * The same learning rate at every step, exactly {@code baseLr} (the plain-SGD comparisons with
 * PyTorch depend on it being bit-for-bit the value given).
 */
public record ConstantSchedule(double baseLr) implements LearningRateSchedule {

    public ConstantSchedule {
        Schedules.requireLearningRate("base lr", baseLr);
    }

    @Override
    public double learningRate(long step) {
        return baseLr;
    }
}
