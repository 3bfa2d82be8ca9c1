package dev.trainer.cli;

import dev.trainer.FineTuningResult;
import dev.trainer.RunStatus;
import java.nio.file.Path;

/** How the command line ends a fine-tune or resume: the exit code, and for an interrupted run how to go on. */
final class RunEnding {

    private RunEnding() {
    }

    /** 0 for a run that ended normally; for an interrupted one, the resume command on stderr and 130 or 143. */
    static int exitCode(FineTuningResult result, Interruptions interruptions, Path dir) {
        if (result.status() != RunStatus.INTERRUPTED) {
            return ExitCode.OK;
        }
        System.err.printf("trainer: %s at step %d (epoch %d); checkpoint %s%nresume with: trainer resume %s%n",
                result.stopReason(), result.steps(), result.epochs(), result.checkpoint(), dir);
        return interruptions.received() != null ? interruptions.exitCode() : ExitCode.FAILED;
    }
}
