package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import dev.trainer.events.StepEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Training and validation loss both high and flat: the model has stopped improving without
 * fitting even the training data. "High" means less than half of the starting loss is gone
 * (and accuracy, when recorded, below {@value #GOOD_ACCURACY}); "flat" means the second half
 * of the run improved the loss by less than {@value #PLATEAU}. A run that never moved at all
 * is left to {@link StagnationDetector}, which names the likelier cause.
 */
final class UnderfittingDetector implements Detector {

    static final int MIN_EPOCHS = 3;
    /** Final over starting training loss at or above which the loss counts as still high. */
    static final double STILL_HIGH = 0.5;
    /** Relative improvement over the second half of the run below which a loss counts as flat. */
    static final double PLATEAU = 0.05;
    /** Accuracy at which the model fits well enough, whatever the loss says. */
    static final double GOOD_ACCURACY = 0.9;
    /** Accuracy below which underfitting is a warning rather than a note. */
    static final double LOW_ACCURACY = 0.7;
    /** A validation loss this many times the training loss is a generalisation gap, not underfitting. */
    static final double MAX_GAP_RATIO = 1.5;

    @Override
    public List<Finding> detect(RunHistory run) {
        List<EpochEvent> e = Curves.trained(run);
        if (e.size() < MIN_EPOCHS || StagnationDetector.stagnated(run)) {
            return List.of();
        }
        List<StepEvent> steps = Curves.finiteSteps(run);
        // The first steps show where training began; epoch 1's mean already includes a whole epoch of learning.
        double start = steps.size() >= 10
                ? Curves.median(Curves.losses(steps), 0, Curves.window(steps.size())) : e.getFirst().trainLoss();
        EpochEvent mid = e.get(e.size() / 2);
        EpochEvent last = e.getLast();
        double end = last.trainLoss();
        double lateGain = -Curves.relative(end, mid.trainLoss());
        // a loss that ended above where it began is divergence, not a plateau
        if (end < STILL_HIGH * start || end > start || Math.abs(lateGain) >= PLATEAU) {
            return List.of();
        }
        boolean validated = Double.isFinite(last.valLoss()) && Double.isFinite(mid.valLoss());
        if (validated && (last.valLoss() > MAX_GAP_RATIO * end
                || Math.abs(Curves.relative(last.valLoss(), mid.valLoss())) >= PLATEAU)) {
            return List.of();
        }
        double accuracy = Double.isFinite(last.trainAccuracy()) ? last.trainAccuracy() : last.valAccuracy();
        if (accuracy >= GOOD_ACCURACY) {
            return List.of();
        }
        StringBuilder evidence = new StringBuilder(String.format(
                "train loss only fell from %s to %s (%s) and moved %s over epochs %d-%d",
                num(start), num(end), Curves.percent(Curves.relative(end, start)), Curves.percent(-lateGain),
                mid.epoch(), last.epoch()));
        if (validated) {
            evidence.append(String.format("; val_loss %s is close to it", num(last.valLoss())));
        }
        if (Double.isFinite(accuracy)) {
            evidence.append(String.format("; %s %s",
                    Double.isFinite(last.trainAccuracy()) ? "train_accuracy" : "val_accuracy", num(accuracy)));
        } else {
            evidence.append(" (if this is the noise floor of your data, ignore this)");
        }
        evidence.append('.');
        double lr = Curves.lastLearningRate(run);
        List<Finding.Suggestion> suggestions = new ArrayList<>(List.of(Suggestions.lrFind(), Suggestions.higherLr(lr, 3),
                Suggestions.unfreeze(), Suggestions.biggerHead()));
        if (lateGain > 0) {
            suggestions.add(2, Suggestions.moreEpochs(last.epoch()));
        }
        return List.of(new Finding(Kind.UNDERFITTING,
                Double.isFinite(accuracy) && accuracy < LOW_ACCURACY ? Severity.WARNING : Severity.INFO,
                "training loss is high and flat: the model does not fit even the training data",
                evidence.toString(), suggestions));
    }
}
