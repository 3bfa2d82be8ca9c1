package dev.trainer.events;

import java.util.List;
import java.util.Locale;

/**
 * One problem seen in a run.
 *
 * @param title       what is wrong, one short line
 * @param evidence    the numbers behind it, with the epochs or steps where they were seen
 * @param suggestions what to try, most promising first
 */
public record Finding(Kind kind, Severity severity, String title, String evidence, List<Suggestion> suggestions) {

    /** The kinds of problem the detectors know. */
    public enum Kind {
        OVERFITTING, UNDERFITTING, DIVERGENCE, LOSS_SPIKES, OSCILLATION, STAGNATION, DEAD_GRADIENTS,
        VANISHING_GRADIENTS, CLASS_COLLAPSE;

        /** Lower case with spaces, as the report prints it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** How much the problem costs the run, least first. */
    public enum Severity {
        /** Worth a look; the run may be fine. */
        INFO,
        /** The model is worse than it could be. */
        WARNING,
        /** The run failed or its result is unusable. */
        CRITICAL
    }

    /**
     * Something to try.
     *
     * @param flags the command-line flags (or command) to use, ready to paste
     * @param why   what they change, in a few words
     */
    public record Suggestion(String flags, String why) {
    }

    public Finding {
        suggestions = List.copyOf(suggestions);
    }
}
