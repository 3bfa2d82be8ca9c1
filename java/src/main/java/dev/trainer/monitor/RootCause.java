package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Orders findings by cause. Steps that overshoot (divergence, loss spikes, oscillation) are the
 * learning rate's doing, and they produce symptoms of their own: weights blown into a region
 * where one class wins every prediction (class collapse), ReLUs pushed dead, a loss that stops
 * moving. Reported side by side, those symptoms send the user to class weights or a higher rate,
 * the wrong remedies; so the first overshoot finding is named as the cause, with the learning
 * rate, and the symptoms that follow from it are listed after it as its consequences, without
 * remedies of their own.
 */
final class RootCause {

    /** Findings that mean the steps are too large. */
    private static final Set<Kind> OVERSHOOT = EnumSet.of(Kind.DIVERGENCE, Kind.LOSS_SPIKES, Kind.OSCILLATION);
    /** Findings that overshooting steps produce by themselves. */
    private static final Set<Kind> SYMPTOMS = EnumSet.of(Kind.LOSS_SPIKES, Kind.OSCILLATION, Kind.CLASS_COLLAPSE,
            Kind.DEAD_GRADIENTS, Kind.VANISHING_GRADIENTS, Kind.STAGNATION, Kind.UNDERFITTING);

    private RootCause() {
    }

    /**
     * The findings, most severe first, with the cause first and its consequences marked when the
     * steps overshoot; unchanged otherwise.
     *
     * @param lr the run's last learning rate, NaN when unknown
     */
    static List<Finding> ordered(List<Finding> bySeverity, double lr) {
        Finding cause = bySeverity.stream().filter(f -> OVERSHOOT.contains(f.kind())).findFirst().orElse(null);
        if (cause == null) {
            return bySeverity;
        }
        String rate = Double.isFinite(lr) ? "the learning rate " + num(lr) : "the learning rate";
        List<Finding> ordered = new ArrayList<>();
        ordered.add(new Finding(cause.kind(), cause.severity(), cause.title() + " (the cause: " + rate + " is too high)",
                cause.evidence(), cause.suggestions()));
        List<Finding> consequences = new ArrayList<>();
        for (Finding f : bySeverity) {
            if (f == cause) {
                continue;
            }
            if (SYMPTOMS.contains(f.kind())) {
                consequences.add(new Finding(f.kind(), Severity.INFO, f.title() + " (a consequence of " + rate
                        + ": fix that first)", f.evidence(), List.of()));
            } else {
                ordered.add(f);
            }
        }
        ordered.addAll(consequences);
        return ordered;
    }
}
