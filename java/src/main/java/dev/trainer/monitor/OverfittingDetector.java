package dev.trainer.monitor;

import static dev.trainer.monitor.Curves.num;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.Finding;
import dev.trainer.events.Finding.Kind;
import dev.trainer.events.Finding.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation loss past its best and rising while training loss still falls: the model learns
 * the training set instead of the task. One noisy epoch is not enough: the loss must have
 * risen for {@value #MIN_RISING_EPOCHS} epochs in a row since its best, or its best must lie
 * well before the end, and it must end clearly above its best.
 */
final class OverfittingDetector implements Detector {

    /** Fewer epochs cannot show a best followed by a trend. */
    static final int MIN_EPOCHS = 4;
    static final int MIN_RISING_EPOCHS = 2;
    /** How far above its best the final validation loss must be; less is epoch-to-epoch noise. */
    static final double MIN_RISE = 0.02;
    /** Training loss must still improve after the best epoch; if it does not, this is not overfitting. */
    static final double MIN_TRAIN_DROP = 0.01;

    @Override
    public List<Finding> detect(RunHistory run) {
        List<EpochEvent> e = Curves.validated(run);
        if (e.size() < MIN_EPOCHS) {
            return List.of();
        }
        int best = 0;
        for (int i = 1; i < e.size(); i++) {
            best = e.get(i).valLoss() < e.get(best).valLoss() ? i : best;
        }
        int last = e.size() - 1;
        EpochEvent b = e.get(best);
        EpochEvent l = e.get(last);
        int longestRise = 0;
        for (int i = best + 1, run1 = 0; i <= last; i++) {
            run1 = e.get(i).valLoss() > e.get(i - 1).valLoss() ? run1 + 1 : 0;
            longestRise = Math.max(longestRise, run1);
        }
        boolean bestWellBefore = last - best >= Math.max(3, e.size() / 3);
        double rise = Curves.relative(l.valLoss(), b.valLoss());
        double trainDrop = -Curves.relative(l.trainLoss(), b.trainLoss());
        double gapAtBest = b.valLoss() - b.trainLoss();
        double gapAtEnd = l.valLoss() - l.trainLoss();
        if (last - best < MIN_RISING_EPOCHS || rise < MIN_RISE || trainDrop < MIN_TRAIN_DROP
                || (longestRise < MIN_RISING_EPOCHS && !bestWellBefore) || gapAtEnd <= gapAtBest) {
            return List.of();
        }
        List<String> after = new ArrayList<>();
        for (int i = best + 1; i <= last && after.size() < 5; i++) {
            after.add(num(e.get(i).valLoss()));
        }
        String more = last - best > after.size() ? ", ..." : "";
        StringBuilder evidence = new StringBuilder(String.format(
                "val_loss was lowest at epoch %d (%s), then %s%s (epochs %d-%d), ending %s above its best; "
                        + "train_loss kept falling, %s -> %s; the train/val gap widened from %s to %s.",
                b.epoch(), num(b.valLoss()), String.join(", ", after), more, e.get(best + 1).epoch(), l.epoch(),
                Curves.percent(rise), num(b.trainLoss()), num(l.trainLoss()), num(gapAtBest), num(gapAtEnd)));
        if (Double.isFinite(l.valAccuracy())) {
            EpochEvent top = e.stream().filter(x -> Double.isFinite(x.valAccuracy()))
                    .max((x, y) -> Double.compare(x.valAccuracy(), y.valAccuracy())).orElseThrow();
            evidence.append(String.format(" val_accuracy peaked at %s (epoch %d) and ended at %s.",
                    num(top.valAccuracy()), top.epoch(), num(l.valAccuracy())));
        }
        if (run.restoredEpoch() == b.epoch()) {
            // Early stopping already exported the best epoch: say so, and only how to overfit less.
            evidence.append(String.format(" Early stopping restored epoch %d: the exported model is the best one.",
                    b.epoch()));
            return List.of(new Finding(Kind.OVERFITTING, Severity.INFO,
                    "overfitting after epoch " + b.epoch() + ", handled by early stopping",
                    evidence.toString(), List.of(Suggestions.weightDecay(), Suggestions.regularize(),
                            Suggestions.freezeBottom())));
        }
        return List.of(new Finding(Kind.OVERFITTING, Severity.WARNING,
                "validation loss has risen since epoch " + b.epoch() + " while training loss kept falling",
                evidence.toString(), List.of(Suggestions.earlyStopping(b.epoch()), Suggestions.weightDecay(),
                        Suggestions.regularize(), Suggestions.freezeBottom())));
    }
}
