package dev.trainer.train.schedule;

import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the learning-rate schedule the command line names. The forms, with their defaults:
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
 * Step counts are optimizer steps. A warm-up, when asked for, is put in front of the schedule by
 * {@link WarmupSchedule}, and the schedule's own length is what remains of the run after it.
 * {@code plateau} watches a validation loss (lower is better), with PyTorch's threshold 1e-4 and
 * no floor; build a {@link ReduceOnPlateauSchedule} directly for other settings.
 */
public final class ScheduleSpec {

    /** The accepted forms, one line, for help texts and error messages. */
    public static final String FORMS = "constant, step:STEP_SIZE[:GAMMA], exponential:GAMMA, cosine[:MIN_LR], "
            + "cosine-restarts:T0[:TMULT[:MIN_LR]], one-cycle[:MAX_LR], plateau[:FACTOR[:PATIENCE]]";

    private ScheduleSpec() {
    }

    /**
     * The schedule {@code spec} names, with a linear warm-up in front when {@code warmupSteps > 0}.
     *
     * @param spec one of the {@link #FORMS}
     * @param baseLr the base learning rate ({@code --lr})
     * @param totalSteps the number of optimizer steps in the run, warm-up included, >= 1
     * @param warmupSteps steps of linear warm-up, from 0 to {@code totalSteps − 1}; see {@link #warmupSteps}
     * @throws IllegalArgumentException with one line naming the bad part and the accepted forms
     */
    public static LearningRateSchedule parse(String spec, double baseLr, long totalSteps, long warmupSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a schedule needs the run's number of steps, at least 1, not " + totalSteps);
        }
        if (warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException("a warm-up of " + warmupSteps + " steps does not fit a run of "
                    + totalSteps + " steps; it must be from 0 to " + (totalSteps - 1));
        }
        Parts parts = new Parts(spec);
        long steps = totalSteps - warmupSteps;
        LearningRateSchedule schedule;
        try {
            schedule = switch (parts.name) {
                case "constant" -> {
                    parts.expect(0);
                    yield new ConstantSchedule(baseLr);
                }
                case "step" -> {
                    parts.expect(1, "STEP_SIZE", "GAMMA");
                    yield new StepDecaySchedule(baseLr, parts.wholeNumber(0), parts.number(1, 0.1));
                }
                case "exponential" -> {
                    parts.expect(1, "GAMMA");
                    yield new ExponentialSchedule(baseLr, parts.number(0, Double.NaN));
                }
                case "cosine" -> {
                    parts.expect(0, "MIN_LR");
                    yield new CosineSchedule(baseLr, parts.number(0, 0), steps);
                }
                case "cosine-restarts" -> {
                    parts.expect(1, "T0", "TMULT", "MIN_LR");
                    yield new CosineRestartsSchedule(baseLr, parts.number(2, 0), parts.wholeNumber(0),
                            parts.count() > 1 ? parts.wholeNumber(1) : 1);
                }
                case "one-cycle" -> {
                    parts.expect(0, "MAX_LR");
                    yield new OneCycleSchedule(parts.number(0, baseLr), steps);
                }
                case "plateau" -> {
                    parts.expect(0, "FACTOR", "PATIENCE");
                    long patience = parts.count() > 1 ? parts.wholeNumber(1) : 10;
                    yield new ReduceOnPlateauSchedule(baseLr, parts.number(0, 0.1),
                            (int) Math.min(patience, Integer.MAX_VALUE), 0, 1e-4, true);
                }
                default -> throw new IllegalArgumentException("unknown schedule \"" + parts.name + "\"");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad schedule \"" + spec + "\": " + e.getMessage() + "; accepted: " + FORMS);
        }
        return warmupSteps == 0 ? schedule : new WarmupSchedule(schedule, warmupSteps);
    }

    /**
     * The warm-up length from {@code --warmup-steps} or {@code --warmup-ratio}, at most one of which
     * may be non-zero. A ratio becomes {@code ⌈ratio · totalSteps⌉} steps, as in Hugging Face's Trainer.
     *
     * @param steps {@code --warmup-steps}, >= 0 (0: not given)
     * @param ratio {@code --warmup-ratio}, in [0, 1) (0: not given)
     * @param totalSteps the run's number of optimizer steps
     * @throws IllegalArgumentException when both are given or either is out of range
     */
    public static long warmupSteps(long steps, double ratio, long totalSteps) {
        if (steps < 0) {
            throw new IllegalArgumentException("--warmup-steps must be >= 0, not " + steps);
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw new IllegalArgumentException("--warmup-ratio must be in [0, 1), not " + ratio);
        }
        if (steps > 0 && ratio > 0) {
            throw new IllegalArgumentException("give --warmup-steps or --warmup-ratio, not both");
        }
        return steps > 0 ? steps : (long) Math.ceil(ratio * totalSteps);
    }

    /** A spec split at its colons: the schedule's name and its parameters, named for messages. */
    private static final class Parts {
        final String name;
        private final String[] values;
        private String[] names = {};

        Parts(String spec) {
            if (spec == null || spec.isBlank()) {
                throw new IllegalArgumentException("no schedule given; accepted: " + FORMS);
            }
            String[] split = spec.strip().split(":", -1);
            name = split[0].toLowerCase(Locale.ROOT);
            values = Arrays.copyOfRange(split, 1, split.length);
        }

        /** Requires at least {@code required} and at most {@code parameterNames.length} parameters. */
        void expect(int required, String... parameterNames) {
            names = parameterNames;
            if (values.length < required) {
                throw new IllegalArgumentException(name + " needs " + parameterNames[values.length]);
            }
            if (values.length > parameterNames.length) {
                throw new IllegalArgumentException(name + " takes "
                        + (parameterNames.length == 0 ? "no parameters" : "at most " + String.join(", ", parameterNames))
                        + ", not " + values.length + " parameters");
            }
        }

        int count() {
            return values.length;
        }

        double number(int index, double otherwise) {
            if (index >= values.length) {
                return otherwise;
            }
            try {
                double value = Double.parseDouble(values[index].strip());
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below, with the parameter's name
            }
            throw new IllegalArgumentException(names[index] + " \"" + values[index] + "\" is not a number");
        }

        long wholeNumber(int index) {
            try {
                return Long.parseLong(values[index].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(names[index] + " \"" + values[index] + "\" is not a whole number");
            }
        }
    }
}
