package dev.trainer.train.schedule;

/**
 * PyTorch's {@code OneCycleLR} (two phases, cosine annealing; Smith's 1cycle policy): the rate
 * rises along a cosine from {@code maxLr/divFactor} to {@code maxLr} over the first
 * {@code pctStart} of the steps, then falls along a cosine to {@code maxLr/divFactor/finalDivFactor}
 * at the last step. Momentum (SGD's, or Adam's β1) cycles inversely, as PyTorch's does by
 * default: from {@value #MAX_MOMENTUM} down to {@value #BASE_MOMENTUM} while the rate rises, and
 * back up while it falls.
 */
public record OneCycleSchedule(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor)
        implements LearningRateSchedule {

    /** PyTorch's default momentum range. */
    public static final double BASE_MOMENTUM = 0.85;
    public static final double MAX_MOMENTUM = 0.95;

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
        return cycle(step, initialLr, maxLr, initialLr / finalDivFactor);
    }

    @Override
    public double momentum(long step) {
        return cycle(step, MAX_MOMENTUM, BASE_MOMENTUM, MAX_MOMENTUM);
    }

    /** A cosine from {@code start} to {@code peak} in phase one and from there to {@code end} in phase two. */
    private double cycle(long step, double start, double peak, double end) {
        // PyTorch's phase boundaries, kept as the same doubles: phase one ends at step
        // pctStart·total − 1, phase two at the last step; fractions are taken between them. A
        // phase one that ends at step 0 or before is empty (PyTorch divides by zero there).
        double peakStep = pctStart * totalSteps - 1;
        double last = totalSteps - 1;
        if (step <= peakStep && peakStep > 0) {
            return Schedules.cosine(start, peak, step / peakStep);
        }
        return Schedules.cosine(peak, end, Math.min(1, (step - peakStep) / (last - peakStep)));
    }
}
