package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import dev.trainer.events.LayersEvent;
import dev.trainer.events.LayersEvent.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * Layers that get no useful gradient, from the {@code layers} events: dead (nearly every
 * gradient entry exactly zero) or vanishing (a gradient per parameter orders of magnitude below
 * the median layer's). A layer counts only if the last two events both show it, so that one
 * unlucky batch does not.
 */
final class GradientHealthDetector implements Detector {

    /** zero_grad_fraction at or above which a layer counts as dead. */
    static final double DEAD = 0.95;
    /** RMS gradient below this fraction of the median layer's counts as vanishing. */
    static final double VANISHING = 1e-3;
    /** A median needs a few layers to mean anything. */
    static final int MIN_LAYERS = 3;
    /**
     * Layers smaller than this are not judged vanishing: bias-only groups are noisy, and some have
     * no gradient by construction (an attention key's bias cancels in the softmax).
     */
    static final long MIN_PARAMETERS_FOR_VANISHING = 1024;

    @Override
    public List<Finding> detect(RunHistory run) {
        List<LayersEvent> events = run.layers();
        if (events.isEmpty()) {
            return List.of();
        }
        LayersEvent last = events.getLast();
        LayersEvent previous = events.size() >= 2 ? events.get(events.size() - 2) : null;
        String also = previous == null ? "" : " (and at step " + previous.step() + ")";
        List<Finding> findings = new ArrayList<>();
        List<Layer> dead = last.layers().stream()
                .filter(l -> isDead(l) && (previous == null || confirmed(previous, l.name(), true, 0)))
                .toList();
        if (!dead.isEmpty()) {
            String names = names(dead);
            List<String> each = dead.stream().map(l -> l.name() + " " + Curves.share(l.zeroGradFraction())).toList();
            findings.add(new Finding(Kind.DEAD_GRADIENTS, Severity.WARNING,
                    "no gradient reaches " + names,
                    String.format("at step %d%s, the share of gradient entries exactly 0: %s.", last.step(), also,
                            String.join(", ", each)),
                    List.of(Suggestions.checkActivations("ReLUs that never fire (dead units), often after too large "
                                    + "a step, or a saturated input"), Suggestions.lowerLr(Curves.lastLearningRate(run)),
                            Suggestions.lrGroup(dead.getFirst().name()))));
        }
        double median = medianRms(last);
        if (!Double.isNaN(median)) {
            double previousMedian = previous == null ? Double.NaN : medianRms(previous);
            List<Layer> vanishing = last.layers().stream()
                    .filter(l -> !isDead(l) && !l.lookup() && l.parameters() >= MIN_PARAMETERS_FOR_VANISHING
                            && rms(l) < VANISHING * median && (previous == null
                            || confirmed(previous, l.name(), false, previousMedian)))
                    .toList();
            if (!vanishing.isEmpty()) {
                List<String> each = vanishing.stream().map(l -> String.format("%s %s (%s of it)", l.name(),
                        num(rms(l)), num(rms(l) / median))).toList();
                findings.add(new Finding(Kind.VANISHING_GRADIENTS, Severity.WARNING,
                        "vanishing gradients in " + names(vanishing),
                        String.format("at step %d%s, the RMS gradient per parameter is %s in the median layer, but %s.",
                                last.step(), also, num(median), String.join(", ", each)),
                        List.of(Suggestions.lrGroup(vanishing.getFirst().name()),
                                Suggestions.checkActivations("saturated sigmoid or tanh, or a missing normalization"),
                                Suggestions.lrFind())));
            }
        }
        return findings;
    }

    /** Lookup tables (embeddings) get gradients only in the rows a batch reads: mostly zero is their norm. */
    private static boolean isDead(Layer l) {
        return !l.lookup() && l.zeroGradFraction() >= DEAD;
    }

    /** Whether the earlier event shows the same problem for that layer; a layer it lacks cannot contradict. */
    private static boolean confirmed(LayersEvent earlier, String name, boolean dead, double earlierMedian) {
        Layer l = earlier.layer(name);
        if (l == null) {
            return true;
        }
        return dead ? isDead(l) : !isDead(l) && rms(l) < VANISHING * earlierMedian;
    }

    /** Gradient norm per parameter: a large layer's norm is larger just for its size. */
    private static double rms(Layer l) {
        return l.parameters() > 0 ? l.gradNorm() / Math.sqrt(l.parameters()) : l.gradNorm();
    }

    /** Median RMS gradient over the live layers with a finite, non-zero gradient; NaN when too few. */
    private static double medianRms(LayersEvent event) {
        double[] r = event.layers().stream().filter(l -> !isDead(l))
                .mapToDouble(GradientHealthDetector::rms).filter(x -> Double.isFinite(x) && x > 0).toArray();
        return r.length < MIN_LAYERS ? Double.NaN : Curves.median(r, 0, r.length);
    }

    private static String names(List<Layer> layers) {
        List<String> n = layers.stream().map(Layer::name).toList();
        return n.size() <= 4 ? String.join(", ", n)
                : String.join(", ", n.subList(0, 4)) + " and " + (n.size() - 4) + " more layers";
    }
}
