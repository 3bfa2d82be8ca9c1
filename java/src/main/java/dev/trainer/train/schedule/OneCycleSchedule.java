package dev.trainer.train.schedule;

/**
 * PyTorch's {@code OneCycleLR} (two phases, cosine annealing; Smith's 1cycle policy): the rate
 * rises along a cosine from {@code maxLr/divFactor} to {@code maxLr} over the first
 * {@code pctStart} of the steps, then falls along a cosine to {@code maxLr/divFactor/finalDivFactor}
 * at the last step. PyTorch also cycles momentum inversely; that is the optimizer's business and
 * not done here.
 */
public record OneCycleSchedule(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor)
        implements LearningRateSchedule {

    /** PyTorch's defaults: warm for 30% of the steps, start at maxLr/25, end at maxLr/25/1e4. */
    public OneCycleSchedule(double maxLr, long totalSteps) {
        this(maxLr, totalSteps, 0.3, 25, 1e4);
    }

    public OneCycleSchedule {
        Schedules.requireLearningRate("max lr", maxLr);
        Schedules.requirePositive("total steps", totalSteps);
        if (!(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException("pct_start must be in (0, 1), not " + pctStart);
        }
        Schedules.requirePositive("div factor", divFactor);
        Schedules.requirePositive("final div factor", finalDivFactor);
    }

    @Override
    public double learningRate(long step) {
        double initialLr = maxLr / divFactor;
        double finalLr = initialLr / finalDivFactor;
        // PyTorch's phase boundaries, kept as the same doubles: phase one ends at step
        // pctStart·total − 1, phase two at the last step; fractions are taken between them. A
        // phase one that ends at step 0 or before is empty (PyTorch divides by zero there).
        double peak = pctStart * totalSteps - 1;
        double last = totalSteps - 1;
        if (step <= peak && peak > 0) {
            return Schedules.cosine(initialLr, maxLr, step / peak);
        }
        return Schedules.cosine(maxLr, finalLr, Math.min(1, (step - peak) / (last - peak)));
    }
}
