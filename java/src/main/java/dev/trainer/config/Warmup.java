package dev.trainer.config;

import java.util.Locale;

/**
 * Linear warm-up before the schedule: none, a number of steps ({@code --warmup-steps}), or a
 * fraction of all steps ({@code --warmup-ratio}, rounded up as Hugging Face's Trainer does).
 * Written {@code none}, {@code steps:N} or {@code ratio:F}.
 */
public sealed interface Warmup extends OptionValue {

    /** No warm-up. */
    Warmup NONE = new None();

    /** No warm-up. */
    record None() implements Warmup {
        @Override
        public String spec() {
            return "none";
        }
    }

    /** A warm-up of {@code steps} optimizer steps. */
    record Steps(long steps) implements Warmup {
        /** @throws IllegalArgumentException for fewer than 1 step */
        public Steps {
            if (steps < 1) {
                throw new IllegalArgumentException("--warmup-steps must be >= 1 for a warm-up, not " + steps);
            }
        }

        @Override
        public String spec() {
            return "steps:" + steps;
        }
    }

    /** A warm-up over {@code ratio} of the run's steps, in (0, 1). */
    record Ratio(double ratio) implements Warmup {
        /** @throws IllegalArgumentException for a ratio outside (0, 1) */
        public Ratio {
            if (!(ratio > 0 && ratio < 1)) {
                throw new IllegalArgumentException("--warmup-ratio must be in (0, 1) for a warm-up, not " + ratio);
            }
        }

        @Override
        public String spec() {
            return "ratio:" + ratio;
        }
    }

    /**
     * The warm-up of the two command-line options, at most one of which may be non-zero.
     *
     * @param steps {@code --warmup-steps}, >= 0 (0: not given)
     * @param ratio {@code --warmup-ratio}, in [0, 1) (0: not given)
     * @throws IllegalArgumentException when both are given or either is out of range
     */
    static Warmup of(long steps, double ratio) {
        if (steps < 0) {
            throw new IllegalArgumentException("--warmup-steps must be >= 0, not " + steps);
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("--warmup-ratio must be in [0, 1), not " + ratio);
        }
        if (steps > 0 && ratio > 0) {
            throw new IllegalArgumentException("give --warmup-steps or --warmup-ratio, not both");
        }
        return steps > 0 ? new Steps(steps) : ratio > 0 ? new Ratio(ratio) : NONE;
    }

    /** Parses {@code none}, {@code steps:N} or {@code ratio:F}. */
    static Warmup parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("none")) {
                return NONE;
            }
            if (s.startsWith("steps:")) {
                return new Steps(Long.parseLong(s.substring("steps:".length())));
            }
            if (s.startsWith("ratio:")) {
                return new Ratio(Double.parseDouble(s.substring("ratio:".length())));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("warm-up '" + spec + "': use none, steps:N or ratio:F");
    }

    /** The warm-up's length in a run of {@code totalSteps} optimizer steps. */
    default long steps(long totalSteps) {
        return switch (this) {
            case None n -> 0;
            case Steps(long steps) -> steps;
            case Ratio(double ratio) -> (long) Math.ceil(ratio * totalSteps);
        };
    }
}
