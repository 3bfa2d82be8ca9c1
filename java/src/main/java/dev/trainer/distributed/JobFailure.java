package dev.trainer.distributed;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * What a failure on one rank does to a data-parallel job: it ends every rank, with one message.
 *
 * <p>A rank that fails on its own, in the middle of a step (an I/O error, a bug), cannot tell
 * the others, which are waiting in the next collective: it prints its message, tagged with its
 * rank, and aborts the job ({@link #abort}); MPI's runtime then ends every rank and the launcher
 * exits with the rank's exit code. Failures that every rank meets at the same point, such as bad
 * input found by checks that run before training, go through {@link #agree}: every rank says
 * whether it failed, the lowest failing rank alone prints, and all ranks end with its code.
 * Decisions made on all-reduced values (a non-finite global loss, early stopping) are identical
 * on every rank already: a failure they decide goes through {@link #agree} too, every rank
 * failing, so that it is printed once.
 *
 * <p>Open MPI's {@code mpirun} adds a banner of its own to an abort unless it runs with
 * {@code -q}. A rank killed from outside (a signal, the OOM killer) prints nothing; the launcher
 * notices it, ends the other ranks and says which rank died.
 */
public final class JobFailure {

    private JobFailure() {
    }

    /**
     * Prints {@code trainer: error: rank R of N: MESSAGE} (without the rank in a single process)
     * and ends every rank with {@code exitCode}. Returns only in a single process.
     */
    public static void abort(Collective collective, String message, int exitCode, PrintStream err) {
        err.println("trainer: error: " + rankTag(collective) + message);
        err.flush();
        collective.abort(exitCode);
    }

    /**
     * Called by every rank at the same point, with its exit code (0 when it did not fail) and its
     * message (ignored when the code is 0). Returns 0 when no rank failed. Otherwise the lowest
     * failing rank prints its message, tagged with its rank unless every rank failed (then it is
     * the job's failure, such as a typo in a path), and every rank ends with that rank's code; only
     * a single process returns, with its code.
     */
    public static int agree(Collective collective, int exitCode, String message, PrintStream err) {
        double[] codes = new double[collective.size()];
        codes[collective.rank()] = exitCode;
        collective.allReduceSum(codes);
        boolean everyRank = Arrays.stream(codes).allMatch(c -> c != 0);
        for (int r = 0; r < codes.length; r++) {
            if (codes[r] != 0) {
                int code = (int) codes[r];
                if (r == collective.rank()) {
                    err.println("trainer: error: " + (everyRank ? "" : rankTag(collective)) + message);
                    err.flush();
                }
                // the others abort only once the message is out: an early abort could kill the printing rank first
                collective.barrier();
                collective.abort(code);
                return code;
            }
        }
        return 0;
    }

    private static String rankTag(Collective collective) {
        return collective.size() == 1 ? "" : "rank " + collective.rank() + " of " + collective.size() + ": ";
    }
}
