package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import dev.trainer.events.StepEvent;
import java.util.List;
import java.util.stream.DoubleStream;

/**
 * Training loss that barely moves over the first epochs: the steps are too small to matter,
 * usually a learning rate far too low. A run whose accuracy is already near perfect has
 * nothing left to learn and is left alone.
 */
final class StagnationDetector implements Detector {

    static final int EARLY_EPOCHS = 3;
    /** Relative change of the training loss below which it counts as not moving. */
    static final double MIN_CHANGE = 0.01;
    /** An accuracy at which a flat loss means the model already fits. */
    static final double ALREADY_FITS = 0.95;

    /** The training loss at the start and at the end of the first epochs, and where that was measured. */
    record EarlyChange(double from, double to, String span) {
        double relative() {
            return Curves.relative(to, from);
        }
    }

    /**
     * The first epochs' mean training losses when at least two epochs were recorded (a whole
     * epoch averages the batch-to-batch noise away), else window medians of the step losses of the
     * first epoch; null when the run is too short to tell.
     */
    static EarlyChange earlyChange(RunHistory run) {
        List<EpochEvent> epochs = Curves.trained(run);
        if (epochs.size() >= 2) {
            EpochEvent first = epochs.getFirst();
            EpochEvent end = epochs.get(Math.min(EARLY_EPOCHS, epochs.size()) - 1);
            return new EarlyChange(first.trainLoss(), end.trainLoss(), "epochs " + first.epoch() + "-" + end.epoch());
        }
        List<StepEvent> steps = Curves.finiteSteps(run).stream().filter(s -> s.epoch() <= EARLY_EPOCHS).toList();
        if (steps.size() >= 10) {
            double[] losses = Curves.losses(steps);
            int w = Curves.window(losses.length);
            StepEvent first = steps.getFirst();
            StepEvent last = steps.getLast();
            return new EarlyChange(Curves.median(losses, 0, w), Curves.median(losses, losses.length - w, losses.length),
                    String.format("steps %d-%d (epochs %d-%d, medians of %d steps)", first.step(), last.step(),
                            first.epoch(), last.epoch(), w));
        }
        return null;
    }

    /** Whether the training loss stayed within {@value #MIN_CHANGE} of where it started. */
    static boolean stagnated(RunHistory run) {
        EarlyChange change = earlyChange(run);
        return change != null && Math.abs(change.relative()) < MIN_CHANGE;
    }

    @Override
    public List<Finding> detect(RunHistory run) {
        EarlyChange change = earlyChange(run);
        if (change == null || Math.abs(change.relative()) >= MIN_CHANGE) {
            return List.of();
        }
        if (bestAccuracy(run) >= ALREADY_FITS) {
            return List.of();
        }
        double lr = Curves.lastLearningRate(run);
        String evidence = String.format("train loss %s -> %s (%s) over %s%s.", num(change.from()), num(change.to()),
                Curves.percent(change.relative()), change.span(), Double.isFinite(lr) ? " at lr " + num(lr) : "");
        return List.of(new Finding(Kind.STAGNATION, Severity.WARNING,
                "training loss is not moving: the learning rate is probably far too low", evidence,
                List.of(Suggestions.higherLr(lr, 10), Suggestions.lrFind(), Suggestions.lrGroup("HEAD"),
                        Suggestions.checkActivations("inputs all zero or on wildly different scales?"))));
    }

    /** The best validation or training accuracy of any epoch, NaN when none was recorded. */
    private static double bestAccuracy(RunHistory run) {
        return run.epochs().stream().flatMapToDouble(e -> DoubleStream.of(e.valAccuracy(), e.trainAccuracy()))
                .filter(Double::isFinite).max().orElse(Double.NaN);
    }
}
