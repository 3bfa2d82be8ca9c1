package dev.trainer.run;

import dev.trainer.CheckpointException;
import dev.trainer.DataException;
import dev.trainer.ModelException;
import dev.trainer.TrainingFailedException;
import dev.trainer.distributed.CollectiveException;
import java.io.UncheckedIOException;

/**
 * What a failed command tells its user: one line, and an exit status that says whether the input
 * was bad (nothing was written) or the run failed. The command line prints it for a single
 * process; a data-parallel job prints it once for all its ranks.
 *
 * @param message  the line after {@code trainer: error: }
 * @param exitCode {@link #BAD_INPUT} or {@link #FAILED}
 * @param internal an unexpected exception, a bug: its stack trace is worth printing too
 */
public record Failure(String message, int exitCode, boolean internal) {

    /**
     * Training ran and failed (e.g. diverged, or a write failed during the run), the job's processes
     * could not work together, or a bug.
     */
    public static final int FAILED = 1;
    /** Bad input: options, model or data, or a run folder that cannot be resumed; nothing was written. */
    public static final int BAD_INPUT = 2;

    /** The failure an exception out of a command means. */
    public static Failure of(Throwable e) {
        return switch (e) {
            case ModelException m -> new Failure(m.getMessage(), BAD_INPUT, false);
            case DataException d -> new Failure(d.getMessage(), BAD_INPUT, false);
            case CheckpointException c -> new Failure(c.getMessage(), BAD_INPUT, false);
            // a write that failed during the run: the message names the file and the reason
            case UncheckedIOException io -> new Failure(io.getMessage(), FAILED, false);
            case IllegalArgumentException i -> new Failure(i.getMessage(), BAD_INPUT, false);
            case TrainingFailedException t -> new Failure("training failed: " + t.getMessage(), FAILED, false);
            case CollectiveException c -> new Failure(c.getMessage(), FAILED, false);
            default -> new Failure("internal error: " + e, FAILED, true);
        };
    }
}
