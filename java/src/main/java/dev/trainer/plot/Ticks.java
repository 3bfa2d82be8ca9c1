package dev.trainer.plot;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Where axis ticks go and how their labels read: round numbers (1, 2, 5 × 10^k) a reader can interpolate between. */
final class Ticks {

    private Ticks() {
    }

    /** Round ticks inside {@code [lo, hi]}, about {@code target} of them. */
    static double[] linear(double lo, double hi, int target) {
        double step = step(lo, hi, target);
        List<Double> ticks = new ArrayList<>();
        for (double i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
            double v = i * step; // i·step, not a running sum, so 0.1 + 0.2 errors do not build up
            ticks.add(Math.abs(v) < step * 1e-9 ? 0 : v);
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The round step {@link #linear} uses. */
    static double step(double lo, double hi, int target) {
        double raw = (hi - lo) / Math.max(1, target);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
    }

    /** Ticks inside {@code [lo, hi]} (both positive) for a log axis: powers of ten, plus 2 and 5 times them over a short range. */
    static double[] log(double lo, double hi) {
        int first = (int) Math.floor(Math.log10(lo));
        int last = (int) Math.ceil(Math.log10(hi));
        // under ~2.5 decades powers of ten alone leave too few ticks to read values off
        double[] mantissas = Math.log10(hi / lo) <= 2.5 ? new double[] {1, 2, 5} : new double[] {1};
        int every = Math.max(1, (last - first) / 8); // a label per decade stops fitting past ~8 decades
        List<Double> ticks = new ArrayList<>();
        for (int e = first; e <= last; e += every) {
            for (double m : mantissas) {
                double v = m * Math.pow(10, e);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
                    ticks.add(v);
                }
            }
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A linear tick's label, with as many decimals as the step needs. */
    static String label(double v, double step) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e6 || step < 1e-4) {
            return compactScientific(v);
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A log tick's label: plain between 0.001 and 10000, {@code 1e-5} style outside. */
    static String logLabel(double v) {
        if (v >= 1e-3 && v < 1e4) {
            return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        }
        return compactScientific(v);
    }

    /** {@code 2e-5}, {@code 1.5e6}: scientific without the padding of %e. */
    private static String compactScientific(double v) {
        String s = String.format(Locale.ROOT, "%.2e", v);
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e).replaceAll("\\.?0+$", "");
        int exponent = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + exponent;
    }
}
