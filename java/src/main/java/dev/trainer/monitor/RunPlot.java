package dev.trainer.monitor;

import dev.trainer.events.ConfusionMatrix;
import dev.trainer.events.EpochEvent;
import dev.trainer.events.StepEvent;
import dev.trainer.plot.Chart;
import dev.trainer.plot.Heatmap;
import dev.trainer.plot.Panel;
import dev.trainer.plot.Pictures;
import dev.trainer.plot.Series;
import dev.trainer.plot.Style;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The picture of a run: loss per step (faint) with the per-epoch training and validation loss
 * on top, accuracy when recorded, and the learning rate, over a shared step axis; epoch values
 * sit at the last step of their epoch, where they were measured. Beside the curves, when the
 * validations recorded one, the confusion matrix of the best epoch: the one early stopping
 * restored, else the one of lowest validation loss.
 */
public final class RunPlot {

    /** Default image size: readable on a laptop screen and in a pull request. */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 720;

    private static final Color TRAIN = new Color(0x1F77B4);
    private static final Color VALIDATION = new Color(0xFF7F0E);
    private static final Color VAL_ACCURACY = new Color(0x2CA02C);
    private static final Color TRAIN_ACCURACY = new Color(0x9467BD);
    private static final Color RATE = new Color(0x8C564B);
    /** Losses spanning this ratio or more are drawn on a log axis, where early and late steps both stay readable. */
    private static final double LOG_LOSS_RATIO = 30;
    /** A learning rate that varies by this ratio (warmup, decay) is drawn on a log axis. */
    private static final double LOG_RATE_RATIO = 10;

    private RunPlot() {
    }

    /**
     * Writes the run's chart as a PNG: {@link #WIDTH}×{@link #HEIGHT}, widened by the best epoch's
     * confusion matrix when there is one.
     */
    public static void write(RunHistory run, String title, Path png) {
        BufferedImage curves = chart(run, title).render(WIDTH, HEIGHT);
        Heatmap confusion = bestConfusion(run);
        Pictures.writePng(confusion == null ? curves : Pictures.beside(curves, confusion.render()), png);
    }

    /**
     * The confusion matrix of the epoch whose parameters count as the run's best: the one early
     * stopping restored, else the one of lowest validation loss; {@code null} when no epoch
     * recorded a confusion matrix.
     */
    static Heatmap bestConfusion(RunHistory run) {
        List<EpochEvent> recorded = run.epochs().stream().filter(e -> confusion(e) != null).toList();
        if (recorded.isEmpty()) {
            return null;
        }
        EpochEvent restored = recorded.stream().filter(e -> e.epoch() == run.restoredEpoch()).findFirst().orElse(null);
        EpochEvent best = restored != null ? restored
                : recorded.stream().min(Comparator.comparingDouble(e -> Double.isNaN(e.valLoss())
                        ? Double.POSITIVE_INFINITY : e.valLoss())).orElseThrow();
        String why = restored != null ? "restored best" : "lowest val_loss";
        return ConfusionHeatmap.of(confusion(best), "validation, epoch " + best.epoch() + " (" + why + ")");
    }

    private static ConfusionMatrix confusion(EpochEvent e) {
        return e.validation() == null || e.validation().classification() == null ? null
                : e.validation().classification().confusion();
    }

    /** The run's chart: the loss panel always, accuracy and learning rate panels when recorded. */
    public static Chart chart(RunHistory run, String title) {
        List<StepEvent> steps = run.steps();
        List<EpochEvent> epochs = run.epochs();
        boolean bySteps = !steps.isEmpty();
        double[] epochX = epochX(run, bySteps);
        List<Series> loss = new ArrayList<>();
        if (bySteps) {
            loss.add(new Series("train loss (step)", stepX(steps), field(steps, StepEvent::loss), TRAIN, Style.FAINT_LINE));
        }
        loss.add(new Series("train loss (epoch)", epochX, field(epochs, EpochEvent::trainLoss), TRAIN, Style.LINE_AND_MARKERS));
        if (run.hasValidation()) {
            loss.add(new Series("val loss", epochX, field(epochs, EpochEvent::valLoss), VALIDATION, Style.LINE_AND_MARKERS));
        }
        List<Panel> panels = new ArrayList<>();
        panels.add(new Panel("loss", spans(loss, LOG_LOSS_RATIO), 1, loss));
        List<Series> accuracy = new ArrayList<>();
        double[] valAccuracy = field(epochs, EpochEvent::valAccuracy);
        double[] trainAccuracy = field(epochs, EpochEvent::trainAccuracy);
        if (anyFinite(trainAccuracy)) {
            accuracy.add(new Series("train accuracy", epochX, trainAccuracy, TRAIN_ACCURACY, Style.LINE_AND_MARKERS));
        }
        if (anyFinite(valAccuracy)) {
            accuracy.add(new Series("val accuracy", epochX, valAccuracy, VAL_ACCURACY, Style.LINE_AND_MARKERS));
        }
        if (!accuracy.isEmpty()) {
            panels.add(new Panel("accuracy", false, 0.55, accuracy));
        }
        double[] lr = field(steps, StepEvent::lr);
        if (anyFinite(lr)) {
            List<Series> rate = List.of(new Series("", stepX(steps), lr, RATE, Style.LINE));
            panels.add(new Panel("learning rate", spans(rate, LOG_RATE_RATIO), 0.4, rate));
        }
        return new Chart(title, bySteps ? "step" : "epoch", panels);
    }

    private static double[] stepX(List<StepEvent> steps) {
        return steps.stream().mapToDouble(StepEvent::step).toArray();
    }

    /** Each epoch's x: the last step it ran, or the epoch number when no steps were recorded. */
    private static double[] epochX(RunHistory run, boolean bySteps) {
        Map<Integer, Long> lastStep = new HashMap<>();
        for (StepEvent s : run.steps()) {
            lastStep.merge(s.epoch(), s.step(), Math::max);
        }
        return run.epochs().stream().mapToDouble(e -> !bySteps ? e.epoch()
                : lastStep.containsKey(e.epoch()) ? lastStep.get(e.epoch()) : Double.NaN).toArray();
    }

    private static <T> double[] field(List<T> events, ToDoubleFunction<T> field) {
        return events.stream().mapToDouble(field).toArray();
    }

    private static boolean anyFinite(double[] values) {
        return Arrays.stream(values).anyMatch(Double::isFinite);
    }

    /** Whether all finite values are positive and span at least {@code ratio}: a log axis then reads better. */
    private static boolean spans(List<Series> series, double ratio) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    if (v <= 0) {
                        return false;
                    }
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return hi / lo >= ratio;
    }
}
