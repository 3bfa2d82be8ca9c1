package dev.trainer.monitor;

import dev.trainer.events.EpochEvent;
import dev.trainer.events.StepEvent;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The small numeric vocabulary the detectors share: clean curves, medians, number formats. */
final class Curves {

    private Curves() {
    }

    /** Epochs that trained (epoch ≥ 1) and have a finite training loss. */
    static List<EpochEvent> trained(RunHistory run) {
        return run.epochs().stream().filter(e -> e.epoch() >= 1 && Double.isFinite(e.trainLoss())).toList();
    }

    /** Trained epochs that also have a finite validation loss. */
    static List<EpochEvent> validated(RunHistory run) {
        return trained(run).stream().filter(e -> Double.isFinite(e.valLoss())).toList();
    }

    static List<StepEvent> finiteSteps(RunHistory run) {
        return run.steps().stream().filter(s -> Double.isFinite(s.loss())).toList();
    }

    /** Median of {@code values[from, to)}. */
    static double median(double[] values, int from, int to) {
        double[] window = Arrays.copyOfRange(values, from, to);
        Arrays.sort(window);
        int n = window.length;
        return n % 2 == 1 ? window[n / 2] : (window[n / 2 - 1] + window[n / 2]) / 2;
    }

    static double[] losses(List<StepEvent> steps) {
        return steps.stream().mapToDouble(StepEvent::loss).toArray();
    }

    /**
     * Steps per window when a curve of {@code n} step losses is summarised by window medians:
     * a tenth of the steps, but at least 5 (one batch is noise) and at most 25.
     */
    static int window(int n) {
        return Math.clamp(n / 10, 5, 25);
    }

    /** {@code (a − b) / |b|}, the change from b to a as a fraction of b; 0 against a zero b with a equal. */
    static double relative(double a, double b) {
        return a == b ? 0 : (a - b) / Math.max(Math.abs(b), 1e-12);
    }

    /** The learning rate of the last step that recorded one, or NaN. */
    static double lastLearningRate(RunHistory run) {
        List<StepEvent> steps = run.steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            if (Double.isFinite(steps.get(i).lr())) {
                return steps.get(i).lr();
            }
        }
        return Double.NaN;
    }

    /** Up to 4 significant digits, plain where that reads well, scientific for very small or large numbers. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        String s = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    /** A signed percentage of a fraction: {@code +19%}, {@code -0.09%}. */
    static String percent(double fraction) {
        double p = 100 * fraction;
        String digits = Math.abs(p) >= 10 ? String.format(Locale.ROOT, "%.0f", p)
                : Math.abs(p) >= 1 ? String.format(Locale.ROOT, "%.1f", p) : String.format(Locale.ROOT, "%.2f", p);
        return (p >= 0 ? "+" : "") + digits + "%";
    }

    /** An accuracy or share as a whole percentage: {@code 93%}. */
    static String share(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }
}
