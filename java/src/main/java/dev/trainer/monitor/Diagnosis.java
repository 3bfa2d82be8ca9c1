package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.monitor.Finding.Suggestion;
import dev.trainer.monitor.RunHistory.EpochEvent;
import dev.trainer.monitor.RunHistory.StepEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What went wrong in a run, most severe first, and a one-line overview of how it went. No
 * findings is a clean bill of health.
 *
 * @param overview the run in one line: how the validation (or training) loss moved, its best epoch and the final gap
 */
public record Diagnosis(List<Finding> findings, String overview) {

    /** Every detector, in the order their findings are listed at equal severity. */
    public static final List<Detector> DETECTORS = List.of(new DivergenceDetector(), new OverfittingDetector(),
            new UnderfittingDetector(), new StagnationDetector(), new GradientHealthDetector(),
            new ClassCollapseDetector());

    /** Width {@link #render()} wraps at. */
    public static final int TERMINAL_WIDTH = 100;

    public Diagnosis {
        findings = List.copyOf(findings);
    }

    /** Runs all {@link #DETECTORS} over the run. */
    public static Diagnosis of(RunHistory run) {
        return of(run, DETECTORS);
    }

    /** Runs the given detectors over the run. */
    public static Diagnosis of(RunHistory run, List<? extends Detector> detectors) {
        List<Finding> findings = new ArrayList<>();
        for (Detector d : detectors) {
            findings.addAll(d.detect(run));
        }
        findings.sort(Comparator.comparing(Finding::severity).reversed()); // stable: detector order within a severity
        return new Diagnosis(findings, overview(run));
    }

    public boolean healthy() {
        return findings.isEmpty();
    }

    private static String overview(RunHistory run) {
        List<EpochEvent> validated = Curves.validated(run);
        List<EpochEvent> trained = Curves.trained(run);
        if (!validated.isEmpty()) {
            EpochEvent first = validated.getFirst();
            EpochEvent last = validated.getLast();
            EpochEvent best = validated.stream().min(Comparator.comparingDouble(EpochEvent::valLoss)).orElseThrow();
            return String.format("validation loss %s from %s to %s over %d epochs%s; train/val gap %s%s",
                    last.valLoss() < first.valLoss() ? "fell" : "went", num(first.valLoss()), num(last.valLoss()),
                    validated.size(), best == last ? "" : " (best " + num(best.valLoss()) + " at epoch " + best.epoch() + ")",
                    num(last.valLoss() - last.trainLoss()),
                    Double.isFinite(last.valAccuracy()) ? "; val_accuracy " + num(last.valAccuracy()) : "");
        }
        if (!trained.isEmpty()) {
            return String.format("training loss went from %s to %s over %d epochs; without validation data "
                    + "overfitting cannot be judged", num(trained.getFirst().trainLoss()),
                    num(trained.getLast().trainLoss()), trained.size());
        }
        List<StepEvent> steps = Curves.finiteSteps(run);
        if (!steps.isEmpty()) {
            return String.format("%d steps, loss %s -> %s; no epoch finished", run.steps().size(),
                    num(steps.getFirst().loss()), num(steps.getLast().loss()));
        }
        return run.steps().isEmpty() ? "no steps recorded" : "no step recorded a finite loss";
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
