package dev.trainer.events;

import dev.trainer.events.Finding.Suggestion;
import java.util.List;

/**
 * What went wrong in a run, most severe first, and a one-line overview of how it went: the
 * diagnosis a run ends with, and what {@code trainer diagnose} prints. No findings is a clean bill
 * of health.
 *
 * @param overview the run in one line: how the validation (or training) loss moved, its best epoch and the final gap
 */
public record DiagnosisEvent(List<Finding> findings, String overview) implements TrainingEvent {

    /** Width {@link #render()} wraps at. */
    public static final int TERMINAL_WIDTH = 100;

    public DiagnosisEvent {
        findings = List.copyOf(findings);
    }

    /** Whether nothing was found wrong. */
    public boolean healthy() {
        return findings.isEmpty();
    }

    /** The report at {@link #TERMINAL_WIDTH} columns. */
    public String render() {
        return render(TERMINAL_WIDTH);
    }

    /**
     * The report for a terminal: per finding its severity and title, the evidence, and the flags
     * to try; then the overview. A healthy run gets one line, {@code no problems found: <overview>}.
     *
     * @param width columns to wrap the evidence at (at least 40)
     */
    public String render(int width) {
        if (findings.isEmpty()) {
            return "no problems found: " + overview + "\n";
        }
        int columns = Math.max(40, width);
        StringBuilder out = new StringBuilder();
        for (Finding f : findings) {
            wrap(out, f.severity() + ": " + f.kind().label() + ": " + f.title(), "", "  ", columns);
            wrap(out, f.evidence(), "  ", "  ", columns);
            int flagsWidth = f.suggestions().stream().mapToInt(s -> s.flags().length()).max().orElse(0);
            String first = "  try ";
            for (Suggestion s : f.suggestions()) {
                String lead = first + s.flags() + " ".repeat(flagsWidth - s.flags().length() + 2);
                wrap(out, s.why(), lead, " ".repeat(lead.length()), columns);
                first = " ".repeat(first.length());
            }
            out.append('\n');
        }
        wrap(out, "run: " + overview, "", "  ", columns);
        return out.toString();
    }

    /** Appends text word-wrapped at {@code columns}, the first line after {@code lead}, the rest after {@code indent}. */
    private static void wrap(StringBuilder out, String text, String lead, String indent, int columns) {
        StringBuilder line = new StringBuilder(lead);
        int empty = lead.length();
        for (String word : text.split(" ")) {
            if (line.length() > empty && line.length() + 1 + word.length() > columns) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
                empty = indent.length();
            }
            if (line.length() > empty) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append('\n');
    }
}
