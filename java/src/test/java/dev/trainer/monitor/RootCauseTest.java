package dev.trainer.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import dev.trainer.events.Finding.Suggestion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learning rate named as the cause, before the symptoms that follow from it. */
class RootCauseTest {

    private static final List<Suggestion> LOWER = List.of(new Suggestion("--lr 5", "a tenth of the learning rate"));

    private static Finding finding(Kind kind, Severity severity, String title) {
        return new Finding(kind, severity, title, "evidence of " + kind, List.of(new Suggestion("--x", "y")));
    }

    @Test
    void overshootingStepsAreTheCauseAndCollapseAndDeadGradientsTheirConsequences() {
        Finding divergence = new Finding(Kind.DIVERGENCE, Severity.CRITICAL, "training diverged", "it grew", LOWER);
        Finding overfitting = finding(Kind.OVERFITTING, Severity.WARNING, "overfitting");
        List<Finding> bySeverity = List.of(divergence, finding(Kind.CLASS_COLLAPSE, Severity.WARNING, "class 0 wins"),
                overfitting, finding(Kind.LOSS_SPIKES, Severity.WARNING, "spikes"),
                finding(Kind.DEAD_GRADIENTS, Severity.WARNING, "dead"));

        List<Finding> ordered = RootCause.ordered(bySeverity, 50);

        assertEquals(List.of(Kind.DIVERGENCE, Kind.OVERFITTING, Kind.CLASS_COLLAPSE, Kind.LOSS_SPIKES, Kind.DEAD_GRADIENTS),
                ordered.stream().map(Finding::kind).toList());
        assertEquals(new Finding(Kind.DIVERGENCE, Severity.CRITICAL,
                "training diverged (the cause: the learning rate 50 is too high)", "it grew", LOWER), ordered.get(0));
        assertSame(overfitting, ordered.get(1), "not a symptom of large steps: left as it was");
        assertEquals(new Finding(Kind.CLASS_COLLAPSE, Severity.INFO,
                "class 0 wins (a consequence of the learning rate 50: fix that first)", "evidence of CLASS_COLLAPSE",
                List.of()), ordered.get(2), "no remedy of its own: class weights would not help");
        assertEquals(Severity.INFO, ordered.get(4).severity());
    }

    @Test
    void spikesAloneAreTheCauseOfAStagnation() {
        List<Finding> ordered = RootCause.ordered(List.of(finding(Kind.STAGNATION, Severity.WARNING, "flat"),
                finding(Kind.LOSS_SPIKES, Severity.WARNING, "spikes")), Double.NaN);
        assertEquals("spikes (the cause: the learning rate is too high)", ordered.get(0).title());
        assertEquals("flat (a consequence of the learning rate: fix that first)", ordered.get(1).title());
    }

    @Test
    void withoutOvershootingNothingChanges() {
        List<Finding> bySeverity = List.of(finding(Kind.CLASS_COLLAPSE, Severity.WARNING, "class 0 wins"),
                finding(Kind.DEAD_GRADIENTS, Severity.WARNING, "dead"));
        assertSame(bySeverity, RootCause.ordered(bySeverity, 0.001));
    }
}
