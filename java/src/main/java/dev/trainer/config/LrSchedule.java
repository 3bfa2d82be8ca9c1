package dev.trainer.config;

/**
 * The learning-rate schedule ({@code --lr-schedule}), PyTorch's schedulers' semantics. The forms,
 * with their defaults:
 *
 * <pre>
 * constant                               the base lr throughout
 * step:STEP_SIZE[:GAMMA]                 times GAMMA (0.1) every STEP_SIZE steps
 * exponential:GAMMA                      times GAMMA every step
 * cosine[:MIN_LR]                        cosine from the base lr to MIN_LR (0) at the last step
 * cosine-restarts:T0[:TMULT[:MIN_LR]]    cosine to MIN_LR (0) over T0 steps, restarting with the period times TMULT (1)
 * one-cycle[:MAX_LR]                     PyTorch's OneCycleLR peaking at MAX_LR (the base lr)
 * plateau[:FACTOR[:PATIENCE]]            times FACTOR (0.1) after PATIENCE (10) validation losses without improvement
 * </pre>
 *
 * Step counts are optimizer steps; the schedule's length is what remains of the run after any
 * {@link Warmup}. {@code plateau} watches the validation loss with PyTorch's threshold 1e-4.
 */
public sealed interface LrSchedule extends OptionValue {

    /** The accepted forms, one line, for help texts and error messages. */
    String FORMS = "constant, step:STEP_SIZE[:GAMMA], exponential:GAMMA, cosine[:MIN_LR], "
            + "cosine-restarts:T0[:TMULT[:MIN_LR]], one-cycle[:MAX_LR], plateau[:FACTOR[:PATIENCE]]";

    /** The base learning rate at every step. */
    record Constant() implements LrSchedule {
        @Override
        public String spec() {
            return "constant";
        }
    }

    /** PyTorch's StepLR: times {@code gamma} every {@code stepSize} steps. */
    record StepDecay(long stepSize, double gamma) implements LrSchedule {
        /** @throws IllegalArgumentException for a step size below 1 or a gamma not above 0 */
        public StepDecay {
            requireAtLeastOne("step size", stepSize);
            requirePositive("gamma", gamma);
        }

        @Override
        public String spec() {
            return "step:" + stepSize + ":" + gamma;
        }
    }

    /** PyTorch's ExponentialLR: times {@code gamma} every step. */
    record Exponential(double gamma) implements LrSchedule {
        /** @throws IllegalArgumentException for a gamma not above 0 */
        public Exponential {
            requirePositive("gamma", gamma);
        }

        @Override
        public String spec() {
            return "exponential:" + gamma;
        }
    }

    /** PyTorch's CosineAnnealingLR over the run: from the base lr down to {@code minLr}. */
    record Cosine(double minLr) implements LrSchedule {
        /** @throws IllegalArgumentException for a negative min lr */
        public Cosine {
            requireRate("min lr", minLr);
        }

        @Override
        public String spec() {
            return "cosine:" + minLr;
        }
    }

    /** PyTorch's CosineAnnealingWarmRestarts: periods of {@code t0}, {@code t0·tMult}, ... steps. */
    record CosineRestarts(long t0, long tMult, double minLr) implements LrSchedule {
        /** @throws IllegalArgumentException for a period or factor below 1, or a negative min lr */
        public CosineRestarts {
            requireAtLeastOne("T0", t0);
            requireAtLeastOne("TMULT", tMult);
            requireRate("min lr", minLr);
        }

        @Override
        public String spec() {
            return "cosine-restarts:" + t0 + ":" + tMult + ":" + minLr;
        }
    }

    /** PyTorch's OneCycleLR peaking at {@code maxLr}, or at the base lr when it is {@code null}. */
    record OneCycle(Double maxLr) implements LrSchedule {
        /** @throws IllegalArgumentException for a negative max lr */
        public OneCycle {
            if (maxLr != null) {
                requireRate("max lr", maxLr);
            }
        }

        @Override
        public String spec() {
            return maxLr == null ? "one-cycle" : "one-cycle:" + maxLr;
        }
    }

    /** PyTorch's ReduceLROnPlateau on the validation loss: times {@code factor} after {@code patience} bad epochs. */
    record Plateau(double factor, int patience) implements LrSchedule {
        /** @throws IllegalArgumentException for a factor outside (0, 1) or a negative patience */
        public Plateau {
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("plateau factor must be in (0, 1), not " + factor);
            }
            if (patience < 0) {
                throw new IllegalArgumentException("plateau patience must be >= 0, not " + patience);
            }
        }

        @Override
        public String spec() {
            return "plateau:" + factor + ":" + patience;
        }
    }

    /**
     * Parses one of the {@link #FORMS}; the name is case-insensitive.
     *
     * @throws IllegalArgumentException with one line naming the option, the bad part and the accepted forms
     */
    static LrSchedule parse(String spec) {
        try {
            SpecParts parts = new SpecParts(spec);
            return switch (parts.name) {
                case "constant" -> {
                    parts.expect(0);
                    yield new Constant();
                }
                case "step" -> {
                    parts.expect(1, "STEP_SIZE", "GAMMA");
                    yield new StepDecay(parts.wholeNumber(0), parts.number(1, 0.1));
                }
                case "exponential" -> {
                    parts.expect(1, "GAMMA");
                    yield new Exponential(parts.number(0, Double.NaN));
                }
                case "cosine" -> {
                    parts.expect(0, "MIN_LR");
                    yield new Cosine(parts.number(0, 0));
                }
                case "cosine-restarts" -> {
                    parts.expect(1, "T0", "TMULT", "MIN_LR");
                    yield new CosineRestarts(parts.wholeNumber(0), parts.count() > 1 ? parts.wholeNumber(1) : 1,
                            parts.number(2, 0));
                }
                case "one-cycle" -> {
                    parts.expect(0, "MAX_LR");
                    yield new OneCycle(parts.count() > 0 ? parts.number(0, 0) : null);
                }
                case "plateau" -> {
                    parts.expect(0, "FACTOR", "PATIENCE");
                    long patience = parts.count() > 1 ? parts.wholeNumber(1) : 10;
                    yield new Plateau(parts.number(0, 0.1), (int) Math.max(Integer.MIN_VALUE,
                            Math.min(patience, Integer.MAX_VALUE)));
                }
                default -> throw new IllegalArgumentException("unknown schedule \"" + parts.name + "\"");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lr-schedule '" + spec + "': " + e.getMessage() + "; accepted: " + FORMS);
        }
    }

    private static void requireRate(String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, not " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, not " + value);
        }
    }

    private static void requireAtLeastOne(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be >= 1, not " + value);
        }
    }
}
