package dev.trainer.config;

/**
 * How a run protects itself against losing its work: checkpoints, and what a non-finite step does.
 *
 * @param saveEvery   write a checkpoint every this many steps ({@code --save-every}); 0 for each epoch's end.
 *                    A checkpoint is also written when the run ends or is interrupted.
 * @param keepLast    checkpoints kept, newest first ({@code --keep-last}); the best by validation is kept too
 * @param onNonFinite what a step with a NaN or infinite loss or gradient does ({@code --on-nonfinite})
 */
public record RecoveryConfig(long saveEvery, int keepLast, NonFinitePolicy onNonFinite) {

    /** A checkpoint each epoch, the last two kept, non-finite steps skipped. */
    public static final RecoveryConfig DEFAULT = new RecoveryConfig(0, 2, NonFinitePolicy.SKIP);

    /** @throws IllegalArgumentException for a negative interval or fewer than one checkpoint kept */
    public RecoveryConfig {
        if (saveEvery < 0) {
            throw new IllegalArgumentException("--save-every must be >= 0 (0: each epoch's end), got " + saveEvery);
        }
        if (keepLast < 1) {
            throw new IllegalArgumentException("--keep-last must be at least 1, got " + keepLast);
        }
        if (onNonFinite == null) {
            throw new IllegalArgumentException("--on-nonfinite must be skip or stop");
        }
    }
}
