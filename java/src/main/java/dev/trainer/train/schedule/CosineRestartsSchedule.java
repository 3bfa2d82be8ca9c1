package dev.trainer.train.schedule;

/**
 * PyTorch's {@code CosineAnnealingWarmRestarts} (SGDR, Loshchilov and Hutter): a cosine from
 * {@code baseLr} towards {@code minLr} over a period of {@code t0} steps, then a restart at
 * {@code baseLr} with the period multiplied by {@code tMult}.
 */
public record CosineRestartsSchedule(double baseLr, double minLr, long t0, long tMult) implements LearningRateSchedule {

    public CosineRestartsSchedule {
        Schedules.requireLearningRate("base lr", baseLr);
        Schedules.requireLearningRate("min lr", minLr);
        Schedules.requirePositive("T0", t0);
        Schedules.requirePositive("TMULT", tMult);
    }

    @Override
    public double learningRate(long step) {
        if (tMult == 1) {
            return Schedules.cosine(baseLr, minLr, (double) (step % t0) / t0);
        }
        // Walk whole periods in integers (a few dozen at most, as they grow geometrically) rather than
        // invert the geometric sum with logarithms, whose rounding could put a step into the wrong period.
        long start = 0;
        long period = t0;
        while (step - start >= period) {
            start += period;
            period = period > Long.MAX_VALUE / tMult ? Long.MAX_VALUE : period * tMult;
        }
        return Schedules.cosine(baseLr, minLr, (double) (step - start) / period);
    }
}
