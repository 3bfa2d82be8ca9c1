package dev.trainer.train.schedule;

import dev.trainer.plot.Chart;
import dev.trainer.plot.Marker;
import dev.trainer.plot.Panel;
import dev.trainer.plot.Series;
import dev.trainer.plot.Style;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning-rate range test (Leslie Smith, "Cyclical Learning Rates for Training Neural
 * Networks", 2017, as fastai's {@code lr_find} runs it): train for a few steps with a rate that
 * grows exponentially from tiny to huge, watch the loss, and suggest the rate where it fell fastest.
 *
 * <p>The loss is smoothed with an exponential moving average (β = 0.98, bias-corrected as in Adam)
 * because single-batch losses are too noisy to differentiate. The test stops early once the smoothed
 * loss exceeds four times the best seen, or any loss is not finite: the rates beyond are useless and
 * only waste time. The caller's step function trains the real model, so the caller must restore
 * the model's parameters (and optimizer state) afterwards.
 */
public final class LearningRateFinder {

    /** The default smallest rate tried. */
    public static final double DEFAULT_MIN_LR = 1e-7;
    /** The default largest rate tried. */
    public static final double DEFAULT_MAX_LR = 10;
    /** The default number of steps, fastai's. */
    public static final int DEFAULT_STEPS = 100;

    private static final double BETA = 0.98;
    private static final double DIVERGENCE = 4;
    /** Points left out at the end of the curve when looking for the steepest fall: there the loss is blowing up. */
    private static final int SKIP_END = 5;
    private static final Color CURVE = new Color(0x1F77B4);
    private static final Color MARKER = new Color(0xD62728);

    private final double minLr;
    private final double maxLr;
    private final int steps;

    /** One training step at a given rate. */
    @FunctionalInterface
    public interface TrainStep {
        /** Takes one optimizer step with learning rate {@code lr} on the next batch and returns that batch's loss. */
        double trainStep(double lr);
    }

    /** One step of the test: the rate, the batch loss, and the smoothed loss up to this step. */
    public record Point(double lr, double loss, double smoothedLoss) {
    }

    /**
     * What the test saw and suggests.
     *
     * @param points the steps taken, in order (the one whose loss was not finite, if any, left out)
     * @param plannedSteps the number of steps the test would have taken without stopping early
     * @param stopReason why it stopped early, or null when it ran all its steps
     * @param suggestedLr the suggestion: {@code steepestLr}, or {@code minLossLr/10} when the loss never fell; NaN when too few steps ran to tell
     * @param steepestLr the rate where the smoothed loss fell fastest per decade of rate; NaN if it never fell
     * @param steepestSlope the smoothed loss's change per decade of rate there (negative)
     * @param minLossLr the rate at the lowest smoothed loss
     * @param minLoss the lowest smoothed loss
     * @param reasoning how the suggestion was reached, several lines, citing the numbers
     */
    public record Result(List<Point> points, int plannedSteps, String stopReason, double suggestedLr,
            double steepestLr, double steepestSlope, double minLossLr, double minLoss, String reasoning) {

        public Result {
            points = List.copyOf(points);
        }

        /** Whether the loss blew up before the largest rate was reached. */
        public boolean stoppedEarly() {
            return stopReason != null;
        }

        /**
         * The smoothed loss against the rate on a logarithmic axis, with the suggestion and the
         * minimum marked; write it with {@link Chart#writePng}.
         */
        public Chart plot() {
            double[] lrs = points.stream().mapToDouble(Point::lr).toArray();
            double[] smoothed = points.stream().mapToDouble(Point::smoothedLoss).toArray();
            List<Marker> markers = new ArrayList<>();
            if (Double.isFinite(suggestedLr)) {
                markers.add(new Marker(suggestedLr, lossAt(suggestedLr), "suggested lr " + rate(suggestedLr), MARKER));
            }
            if (Double.isFinite(minLossLr)) {
                markers.add(new Marker(minLossLr, minLoss, "min loss " + number(minLoss) + " at " + rate(minLossLr), MARKER));
            }
            Series curve = new Series("", lrs, smoothed, CURVE, Style.LINE);
            return new Chart("Learning-rate range test", "learning rate", true,
                    List.of(new Panel("smoothed loss", false, 1, List.of(curve), markers)));
        }

        /** The smoothed loss at the recorded rate nearest {@code lr} (the suggestion may lie between points). */
        private double lossAt(double lr) {
            Point nearest = points.getFirst();
            for (Point p : points) {
                if (Math.abs(Math.log(p.lr / lr)) < Math.abs(Math.log(nearest.lr / lr))) {
                    nearest = p;
                }
            }
            return nearest.smoothedLoss;
        }
    }

    /** A test from {@link #DEFAULT_MIN_LR} to {@link #DEFAULT_MAX_LR} in {@link #DEFAULT_STEPS} steps. */
    public LearningRateFinder() {
        this(DEFAULT_MIN_LR, DEFAULT_MAX_LR, DEFAULT_STEPS);
    }

    /**
     * A test whose step {@code i} (0-based) uses {@code minLr·(maxLr/minLr)^(i/(steps−1))}.
     *
     * @param steps at least 10, so that there is a curve to read
     */
    public LearningRateFinder(double minLr, double maxLr, int steps) {
        if (!(minLr > 0 && maxLr > minLr && Double.isFinite(maxLr))) {
            throw new IllegalArgumentException("the range test needs 0 < min lr < max lr, not " + minLr + " and " + maxLr);
        }
        if (steps < 10) {
            throw new IllegalArgumentException("the range test needs at least 10 steps, not " + steps);
        }
        this.minLr = minLr;
        this.maxLr = maxLr;
        this.steps = steps;
    }

    /** Runs the test, calling {@code step} once per rate until the last or until the loss blows up. */
    public Result run(TrainStep step) {
        List<Point> points = new ArrayList<>();
        String stopReason = null;
        double average = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < steps; i++) {
            double lr = minLr * Math.pow(maxLr / minLr, (double) i / (steps - 1));
            double loss = step.trainStep(lr);
            average = BETA * average + (1 - BETA) * loss;
            double smoothed = average / (1 - Math.pow(BETA, i + 1));
            if (!Double.isFinite(smoothed)) {
                stopReason = String.format(Locale.ROOT, "the loss became %s at lr=%s (step %d of %d)",
                        loss, rate(lr), i + 1, steps);
                break;
            }
            points.add(new Point(lr, loss, smoothed));
            if (smoothed > DIVERGENCE * best) {
                stopReason = String.format(Locale.ROOT,
                        "the smoothed loss %s passed %.0f times the best (%s) at lr=%s (step %d of %d)",
                        number(smoothed), DIVERGENCE, number(best), rate(lr), i + 1, steps);
                break;
            }
            best = Math.min(best, smoothed);
        }
        return analyse(points, stopReason);
    }

    private Result analyse(List<Point> points, String stopReason) {
        StringBuilder why = new StringBuilder();
        why.append(String.format(Locale.ROOT, "range test: %d of %d steps", points.size(), steps));
        if (!points.isEmpty()) {
            why.append(", lr from ").append(rate(minLr)).append(" to ").append(rate(points.getLast().lr()));
        }
        why.append(stopReason == null ? "; ran to the end\n" : "; stopped early: " + stopReason + "\n");
        // fastai's window: the first tenth of the steps, where the average rests on few batches, and
        // the last few points, where the loss is blowing up, would mislead the search.
        int from = steps / 10;
        int to = points.size() - SKIP_END;
        if (to - from < 3) {
            from = 0;
            to = points.size();
        }
        if (to < 3) {
            why.append("too few steps to read a curve from; no suggestion (try a smaller min lr)");
            return new Result(points, steps, stopReason, Double.NaN, Double.NaN, Double.NaN,
                    points.isEmpty() ? Double.NaN : points.getFirst().lr(),
                    points.isEmpty() ? Double.NaN : points.getFirst().smoothedLoss(), why.toString());
        }
        int minIndex = lowest(points, from, to);
        // The steepest fall on the way down to the minimum: past it the loss has blown up, and a
        // fall there is a recovery from the blow-up, not a rate that trains.
        int steepIndex = steepestFall(points, from, minIndex);
        double steepest = steepIndex < 0 ? 0 : slope(points, steepIndex, from, minIndex);
        Point min = points.get(minIndex);
        double tenthOfMin = min.lr() / 10;
        double steepLr = steepIndex < 0 ? Double.NaN : points.get(steepIndex).lr();
        if (steepIndex >= 0) {
            why.append(String.format(Locale.ROOT, "loss fell fastest around lr=%s (slope %s per decade of lr, smoothed loss %s there)%n",
                    rate(steepLr), number(steepest), number(points.get(steepIndex).smoothedLoss())));
        } else {
            why.append("the smoothed loss never fell\n");
        }
        why.append(String.format(Locale.ROOT, "minimum smoothed loss %s at lr=%s; a tenth of that rate is %s%n",
                number(min.smoothedLoss()), rate(min.lr()), rate(tenthOfMin)));
        double suggestion = steepIndex < 0 ? tenthOfMin : steepLr;
        if (steepIndex < 0) {
            why.append(String.format(Locale.ROOT, "suggestion %s, a tenth of the rate at the minimum, as there is no fall to follow",
                    rate(suggestion)));
        } else {
            double ratio = Math.max(steepLr, tenthOfMin) / Math.min(steepLr, tenthOfMin);
            why.append(String.format(Locale.ROOT, "suggestion %s, where the loss fell fastest; %s",
                    rate(suggestion), ratio <= 3
                            ? String.format(Locale.ROOT, "the min-loss/10 rule agrees within a factor of %.1f", ratio)
                            : String.format(Locale.ROOT, "the min-loss/10 rule gives %s, %.0f times %s, so read the plot",
                                    rate(tenthOfMin), ratio, tenthOfMin > steepLr ? "higher" : "lower")));
        }
        return new Result(points, steps, stopReason, suggestion, steepLr, steepIndex < 0 ? Double.NaN : steepest,
                min.lr(), min.smoothedLoss(), why.toString());
    }

    /** The index of the lowest smoothed loss in {@code points[from, to)}, the first of equals. */
    private static int lowest(List<Point> points, int from, int to) {
        int minIndex = from;
        for (int i = from; i < to; i++) {
            if (points.get(i).smoothedLoss() < points.get(minIndex).smoothedLoss()) {
                minIndex = i;
            }
        }
        return minIndex;
    }

    /** The index in {@code [from, to]} where the smoothed loss falls fastest, or -1 where it never falls. */
    private static int steepestFall(List<Point> points, int from, int to) {
        int steepIndex = -1;
        double steepest = 0;
        for (int i = from; i <= to; i++) {
            double slope = slope(points, i, from, to);
            if (slope < steepest) {
                steepest = slope;
                steepIndex = i;
            }
        }
        return steepIndex;
    }

    /**
     * The smoothed loss's slope at point {@code i} in loss per decade of rate: central differences,
     * one-sided at the ends of {@code [from, to]}; NaN when the range is a single point.
     */
    private static double slope(List<Point> points, int i, int from, int to) {
        int a = Math.max(i - 1, from);
        int b = Math.min(i + 1, to);
        if (a == b) {
            return Double.NaN;
        }
        return (points.get(b).smoothedLoss() - points.get(a).smoothedLoss())
                / Math.log10(points.get(b).lr() / points.get(a).lr());
    }

    /** A rate as people write them: two significant digits, scientific, e.g. {@code 3.2e-3}. */
    static String rate(double lr) {
        return String.format(Locale.ROOT, "%.1e", lr).replaceFirst("e\\+?(-?)0*(\\d)", "e$1$2");
    }

    /** A loss or slope: three significant digits. */
    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
