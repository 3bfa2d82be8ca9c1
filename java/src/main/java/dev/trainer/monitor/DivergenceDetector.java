package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import dev.trainer.events.Finding.Suggestion;
import dev.trainer.events.StepEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Steps too large for the loss surface, in three forms: the loss becomes non-finite or grows
 * (divergence), single steps jump far above the recent loss (spikes), or validation loss
 * swings up and down from epoch to epoch (oscillation). All three call for smaller or gentler
 * steps.
 */
final class DivergenceDetector implements Detector {

    /** Training loss of the last epoch above this multiple of the first epoch's means it grew. */
    static final double GROWTH = 1.5;
    /** Step losses whose median is above this multiple of the first step's grew by orders of magnitude... */
    static final double STEP_GROWTH = 100;
    /** ...over this many last steps: the loop's divergence guard stops a run on the same evidence. */
    static final int STEP_WINDOW = 5;
    /** Step losses in the running median (fewer at the very start, where a first overshoot often is). */
    static final int SPIKE_WINDOW = 20;
    /** A spike is a step loss above this multiple of the running median... */
    static final double SPIKE_FACTOR = 4;
    /**
     * ...that is also this fraction of the starting loss above it: near convergence the median is
     * tiny and a harmless hard batch would otherwise count.
     */
    static final double SPIKE_FLOOR = 0.25;
    /**
     * One spike alone is reported only when it dwarfs where training began: a single hard batch
     * late in a healthy run can spike too, a step that overshoots by orders of magnitude cannot.
     */
    static final double LONE_SPIKE_FACTOR = 10;
    static final int MIN_OSCILLATION_EPOCHS = 5;
    /** Fraction of consecutive epoch-to-epoch changes that reverse direction. */
    static final double REVERSALS = 0.6;
    /** Mean rise, as a fraction of the mean loss: small wiggles on a falling curve are noise. */
    static final double RISE_AMPLITUDE = 0.1;

    @Override
    public List<Finding> detect(RunHistory run) {
        double lr = Curves.lastLearningRate(run);
        List<Suggestion> gentler = List.of(Suggestions.lowerLr(lr), Suggestions.warmup(), Suggestions.clipGradients(),
                Suggestions.normalize());
        List<Finding> findings = new ArrayList<>();
        String nonFinite = nonFinite(run);
        String stepGrowth = nonFinite == null ? stepGrowth(run) : null;
        String growth = nonFinite == null && stepGrowth == null ? growth(run) : null;
        if (nonFinite != null) {
            findings.add(new Finding(Kind.DIVERGENCE, Severity.CRITICAL,
                    "the loss became NaN or infinite: training diverged", nonFinite, gentler));
        } else if (stepGrowth != null) {
            findings.add(new Finding(Kind.DIVERGENCE, Severity.CRITICAL,
                    "the loss grew by orders of magnitude: training diverged", stepGrowth, gentler));
        } else if (growth != null) {
            findings.add(new Finding(Kind.DIVERGENCE, Severity.WARNING, "training loss grew: the steps overshoot",
                    growth, gentler));
        }
        String spikes = spikes(run);
        if (spikes != null) {
            findings.add(new Finding(Kind.LOSS_SPIKES, Severity.WARNING, "the loss spikes: some steps overshoot",
                    spikes, gentler));
        }
        String oscillation = oscillation(run);
        if (oscillation != null) {
            findings.add(new Finding(Kind.OSCILLATION, Severity.WARNING,
                    "the loss swings up and down between epochs instead of settling", oscillation, gentler));
        }
        return findings;
    }

    /** The first non-finite step loss, or epoch loss when no steps were recorded; null when all are finite. */
    private static String nonFinite(RunHistory run) {
        List<StepEvent> steps = run.steps();
        for (int i = 0; i < steps.size(); i++) {
            StepEvent s = steps.get(i);
            if (Double.isNaN(s.loss())) {
                StringBuilder text = new StringBuilder(String.format("the loss at step %d (epoch %d) was not finite",
                        s.step(), s.epoch()));
                StepEvent before = i > 0 ? steps.get(i - 1) : null;
                if (before != null && Double.isFinite(before.loss())) {
                    double lowest = Curves.finiteSteps(run).stream().filter(x -> x.step() < s.step())
                            .mapToDouble(StepEvent::loss).min().orElse(before.loss());
                    text.append(String.format("; the step before had %s, the lowest so far was %s", num(before.loss()),
                            num(lowest)));
                }
                if (Double.isFinite(s.lr())) {
                    text.append("; lr ").append(num(s.lr()));
                }
                return text.append('.').toString();
            }
        }
        boolean validated = run.hasValidation();
        for (EpochEvent e : run.epochs()) {
            if (e.epoch() >= 1 && (Double.isNaN(e.trainLoss()) || validated && Double.isNaN(e.valLoss()))) {
                return String.format("the loss of epoch %d was not finite (train_loss %s, val_loss %s).", e.epoch(),
                        num(e.trainLoss()), num(e.valLoss()));
            }
        }
        return null;
    }

    /** Training loss per epoch ending well above where it began and above its lowest; null otherwise. */
    private static String growth(RunHistory run) {
        List<EpochEvent> e = Curves.trained(run);
        if (e.size() < 2) {
            return null;
        }
        EpochEvent first = e.getFirst();
        EpochEvent last = e.getLast();
        EpochEvent lowest = e.stream().min((x, y) -> Double.compare(x.trainLoss(), y.trainLoss())).orElseThrow();
        if (last.trainLoss() > GROWTH * first.trainLoss() && last.trainLoss() > GROWTH * lowest.trainLoss()) {
            return String.format("train_loss went from %s (epoch %d; lowest %s at epoch %d) up to %s (epoch %d).",
                    num(first.trainLoss()), first.epoch(), num(lowest.trainLoss()), lowest.epoch(),
                    num(last.trainLoss()), last.epoch());
        }
        return null;
    }

    /** The last step losses' median orders of magnitude above the first step's loss; null otherwise. */
    private static String stepGrowth(RunHistory run) {
        List<StepEvent> steps = Curves.finiteSteps(run);
        if (steps.size() < STEP_WINDOW) {
            return null;
        }
        double[] losses = Curves.losses(steps);
        double recent = Curves.median(losses, losses.length - STEP_WINDOW, losses.length);
        if (!(recent > STEP_GROWTH * losses[0])) {
            return null;
        }
        return String.format("the step loss went from %s (step %d) to %s (the median of the last %d steps, to step %d).",
                num(losses[0]), steps.getFirst().step(), num(recent), STEP_WINDOW, steps.getLast().step());
    }

    private static String spikes(RunHistory run) {
        List<StepEvent> steps = Curves.finiteSteps(run);
        if (steps.size() < 2) {
            return null;
        }
        double[] losses = Curves.losses(steps);
        // a median, so that a few early spikes do not lift the floor they are judged against
        double start = Curves.median(losses, 0, Math.min(SPIKE_WINDOW, losses.length));
        List<String> seen = new ArrayList<>();
        int count = 0;
        double highest = 0;
        for (int i = 1; i < losses.length; i++) {
            double median = Curves.median(losses, Math.max(0, i - SPIKE_WINDOW), i);
            if (losses[i] > SPIKE_FACTOR * median && losses[i] - median > SPIKE_FLOOR * start) {
                count++;
                highest = Math.max(highest, losses[i]);
                if (seen.size() < 3) {
                    seen.add(String.format("step %d: %s against %s", steps.get(i).step(), num(losses[i]), num(median)));
                }
            }
        }
        if (count == 0 || count == 1 && highest < LONE_SPIKE_FACTOR * start) {
            return null;
        }
        return String.format("%d step%s had a loss over %sx the median of the (up to) %d steps before (%s%s).", count,
                count == 1 ? "" : "s", num(SPIKE_FACTOR), SPIKE_WINDOW, String.join("; ", seen),
                count > seen.size() ? "; ..." : "");
    }

    /** Validation loss per epoch (training loss without validation data) that keeps reversing by large amounts. */
    private static String oscillation(RunHistory run) {
        boolean validated = run.hasValidation();
        List<EpochEvent> e = validated ? Curves.validated(run) : Curves.trained(run);
        if (e.size() < MIN_OSCILLATION_EPOCHS) {
            return null;
        }
        double[] loss = e.stream().mapToDouble(x -> validated ? x.valLoss() : x.trainLoss()).toArray();
        int reversals = 0;
        int rises = 0;
        double riseSum = 0;
        for (int i = 1; i < loss.length; i++) {
            double d = loss[i] - loss[i - 1];
            if (d > 0) {
                rises++;
                riseSum += d;
            }
            if (i >= 2 && d * (loss[i - 1] - loss[i - 2]) < 0) {
                reversals++;
            }
        }
        double level = Arrays.stream(loss).map(Math::abs).average().orElse(0);
        double amplitude = rises == 0 ? 0 : riseSum / rises / Math.max(level, 1e-12);
        if (rises < 2 || reversals < REVERSALS * (loss.length - 2) || amplitude < RISE_AMPLITUDE) {
            return null;
        }
        List<String> values = Arrays.stream(loss).limit(8).mapToObj(Curves::num).toList();
        return String.format("%s changed direction %d times in %d epochs (%s%s, epochs %d-%d); its rises averaged %s "
                        + "of its level.", validated ? "val_loss" : "train_loss", reversals, loss.length,
                String.join(", ", values), loss.length > values.size() ? ", ..." : "", e.getFirst().epoch(),
                e.getLast().epoch(), Curves.share(amplitude));
    }
}
