package dev.trainer.config;

/**
 * How the learning rate moves over the run.
 *
 * @param schedule the schedule after the warm-up ({@code --lr-schedule})
 * @param warmup   linear warm-up in front of it ({@code --warmup-steps}, {@code --warmup-ratio})
 */
public record ScheduleConfig(LrSchedule schedule, Warmup warmup) {

    /** The base rate throughout, no warm-up. */
    public static final ScheduleConfig DEFAULT = new ScheduleConfig(new LrSchedule.Constant(), Warmup.NONE);

    /** @throws IllegalArgumentException for a missing part */
    public ScheduleConfig {
        if (schedule == null || warmup == null) {
            throw new IllegalArgumentException("a schedule and a warm-up (Warmup.NONE for none) are required");
        }
    }
}
