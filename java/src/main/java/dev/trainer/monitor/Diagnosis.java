package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.DiagnosisEvent;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.StepEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the detectors over a run's history: what went wrong, most severe first (a cause before the
 * symptoms that follow from it, {@link RootCause}), and how the run went.
 */
public final class Diagnosis {

    /** Every detector, in the order their findings are listed at equal severity. */
    public static final List<Detector> DETECTORS = List.of(new DivergenceDetector(), new OverfittingDetector(),
            new UnderfittingDetector(), new StagnationDetector(), new GradientHealthDetector(),
            new ClassCollapseDetector());

    private Diagnosis() {
    }

    /** Runs all {@link #DETECTORS} over the run. */
    public static DiagnosisEvent of(RunHistory run) {
        return of(run, DETECTORS);
    }

    /** Runs the given detectors over the run. */
    public static DiagnosisEvent of(RunHistory run, List<? extends Detector> detectors) {
        List<Finding> findings = new ArrayList<>();
        for (Detector d : detectors) {
            findings.addAll(d.detect(run));
        }
        findings.sort(Comparator.comparing(Finding::severity).reversed()); // stable: detector order within a severity
        return new DiagnosisEvent(RootCause.ordered(findings, Curves.lastLearningRate(run)), overview(run));
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
}
