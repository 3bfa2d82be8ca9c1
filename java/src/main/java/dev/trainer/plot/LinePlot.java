package dev.trainer.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A line chart drawn with Java 2D and written as a PNG: one or more series of (x, y) points,
 * an optional logarithmic x axis, labelled markers, a title, axis labels, tick labels and a grid.
 * It draws off screen only, so it works on servers without a display.
 *
 * <p>Built by chaining: {@code new LinePlot("title", "x", "y").logX().series("loss", xs, ys).writePng(file, 800, 500)}.
 * Points whose coordinates are not finite (or not positive on a log axis) are skipped and break the
 * line there. Not thread-safe.
 */
public final class LinePlot {

    static {
        // Rendering into a BufferedImage needs no display; without a display AWT would fail to start
        // unless told it is headless. A caller that chose otherwise (a desktop app) keeps its choice.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
    };
    private static final Color MARKER_COLOR = new Color(0xd62728);
    private static final Color GRID_COLOR = new Color(0xe4e4e4);

    private record Series(String name, double[] x, double[] y) {
    }

    private record Marker(double x, double y, String label) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    /** A plot with no series yet; any of the texts may be empty. */
    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Makes the x axis logarithmic (base 10), with ticks at powers of ten. */
    public LinePlot logX() {
        logX = true;
        return this;
    }

    /**
     * Adds a line through the points {@code (x[i], y[i])} in order; the arrays are copied. Named
     * series are listed in a legend when there is more than one series.
     */
    public LinePlot series(String name, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + " has " + x.length + " x values but " + y.length + " y values");
        }
        series.add(new Series(name, x.clone(), y.clone()));
        return this;
    }

    /** Marks the point {@code (x, y)} with a dot, a dashed vertical line across the plot and {@code label}. */
    public LinePlot marker(double x, double y, String label) {
        markers.add(new Marker(x, y, label));
        return this;
    }

    /** Draws the plot into a new RGB image of {@code width × height} pixels. */
    public BufferedImage render(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("a plot needs at least 200 × 150 pixels, not " + width + " × " + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            new Frame(g, width, height).draw();
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Writes the plot as a PNG of {@code width × height} pixels, replacing {@code file}.
     *
     * @throws IOException when the file cannot be written
     */
    public void writePng(Path file, int width, int height) throws IOException {
        if (!ImageIO.write(render(width, height), "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    /** One rendering: the data ranges, the mapping to pixels, and the drawing steps. */
    private final class Frame {
        private final Graphics2D g;
        private final int left;
        private final int right;
        private final int top;
        private final int bottom;
        private final Axis xAxis;
        private final Axis yAxis;

        Frame(Graphics2D g, int width, int height) {
            this.g = g;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Series s : series) {
                for (int i = 0; i < s.x.length; i++) {
                    if (usableX(s.x[i]) && Double.isFinite(s.y[i])) {
                        xs.add(s.x[i]);
                        ys.add(s.y[i]);
                    }
                }
            }
            for (Marker m : markers) {
                if (usableX(m.x)) {
                    xs.add(m.x);
                }
                if (Double.isFinite(m.y)) {
                    ys.add(m.y);
                }
            }
            xAxis = logX ? Axis.logarithmic(xs) : Axis.linear(xs, 0);
            yAxis = Axis.linear(ys, 0.05);
            int tickLabelWidth = 0;
            for (double tick : yAxis.ticks()) {
                tickLabelWidth = Math.max(tickLabelWidth, g.getFontMetrics().stringWidth(yAxis.label(tick)));
            }
            left = 28 + tickLabelWidth + 8;
            right = width - 24;
            top = title.isEmpty() ? 20 : 44;
            bottom = height - 52;
        }

        void draw() {
            drawGridAndTicks();
            drawLabels();
            // Lines that leave the plotting area are cut at its edge.
            g.setClip(left, top, right - left + 1, bottom - top + 1);
            for (int k = 0; k < series.size(); k++) {
                drawSeries(series.get(k), PALETTE[k % PALETTE.length]);
            }
            g.setClip(null);
            for (int k = 0; k < markers.size(); k++) {
                drawMarker(markers.get(k), k);
            }
            if (series.size() > 1) {
                drawLegend();
            }
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, right - left, bottom - top);
        }

        private void drawGridAndTicks() {
            FontMetrics fm = g.getFontMetrics();
            g.setStroke(new BasicStroke(1f));
            for (double tick : xAxis.ticks()) {
                int px = px(tick);
                g.setColor(GRID_COLOR);
                g.drawLine(px, top, px, bottom);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, bottom, px, bottom + 4);
                String text = xAxis.label(tick);
                g.drawString(text, px - fm.stringWidth(text) / 2, bottom + 6 + fm.getAscent());
            }
            for (double tick : yAxis.ticks()) {
                int py = py(tick);
                g.setColor(GRID_COLOR);
                g.drawLine(left, py, right, py);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(left - 4, py, left, py);
                String text = yAxis.label(tick);
                g.drawString(text, left - 7 - fm.stringWidth(text), py + fm.getAscent() / 2 - 1);
            }
        }

        private void drawLabels() {
            g.setColor(Color.BLACK);
            Font plain = g.getFont();
            if (!title.isEmpty()) {
                g.setFont(plain.deriveFont(Font.BOLD, 15f));
                FontMetrics fm = g.getFontMetrics();
                g.drawString(title, (left + right - fm.stringWidth(title)) / 2, 28);
            }
            g.setFont(plain.deriveFont(13f));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(xLabel, (left + right - fm.stringWidth(xLabel)) / 2, bottom + 44);
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            // Rotated a quarter turn, x runs up the image and y to the right.
            g.drawString(yLabel, -(top + bottom + fm.stringWidth(yLabel)) / 2, 18);
            g.setTransform(saved);
            g.setFont(plain);
        }

        private void drawSeries(Series s, Color color) {
            g.setColor(color);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double line = new Path2D.Double();
            boolean open = false;
            for (int i = 0; i < s.x.length; i++) {
                if (!usableX(s.x[i]) || !Double.isFinite(s.y[i])) {
                    open = false;
                    continue;
                }
                double px = xPixel(s.x[i]);
                double py = yPixel(s.y[i]);
                if (open) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    open = true;
                }
            }
            g.draw(line);
        }

        private void drawMarker(Marker m, int index) {
            if (!usableX(m.x)) {
                return;
            }
            int px = px(m.x);
            g.setColor(MARKER_COLOR);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            g.drawLine(px, top, px, bottom);
            if (Double.isFinite(m.y)) {
                g.fill(new Ellipse2D.Double(px - 4.5, yPixel(m.y) - 4.5, 9, 9));
            }
            FontMetrics fm = g.getFontMetrics();
            int width = fm.stringWidth(m.label);
            // The label sits beside the line near the top, on whichever side has room, one row per marker.
            int x = px + 5 + width <= right ? px + 5 : px - 5 - width;
            int y = top + 4 + fm.getAscent() + index * (fm.getHeight() + 2);
            g.setColor(new Color(255, 255, 255, 210));
            g.fillRect(x - 2, y - fm.getAscent(), width + 4, fm.getHeight());
            g.setColor(MARKER_COLOR);
            g.drawString(m.label, x, y);
        }

        private void drawLegend() {
            FontMetrics fm = g.getFontMetrics();
            int width = 0;
            for (Series s : series) {
                width = Math.max(width, fm.stringWidth(s.name));
            }
            int x = right - width - 40;
            int y = bottom - series.size() * (fm.getHeight() + 2) - 8;
            g.setColor(new Color(255, 255, 255, 220));
            g.fillRect(x - 6, y - 4, width + 42, series.size() * (fm.getHeight() + 2) + 8);
            for (int k = 0; k < series.size(); k++) {
                int lineY = y + k * (fm.getHeight() + 2) + fm.getHeight() / 2;
                g.setColor(PALETTE[k % PALETTE.length]);
                g.setStroke(new BasicStroke(2f));
                g.drawLine(x, lineY, x + 24, lineY);
                g.setColor(Color.BLACK);
                g.drawString(series.get(k).name, x + 30, lineY + fm.getAscent() / 2 - 1);
            }
        }

        private boolean usableX(double x) {
            return Double.isFinite(x) && (!logX || x > 0);
        }

        private double xPixel(double x) {
            return left + xAxis.fraction(x) * (right - left);
        }

        private double yPixel(double y) {
            return bottom - yAxis.fraction(y) * (bottom - top);
        }

        private int px(double x) {
            return (int) Math.round(xPixel(x));
        }

        private int py(double y) {
            return (int) Math.round(yPixel(y));
        }
    }

    /** An axis: its range, where its ticks go and how they read. */
    private record Axis(double min, double max, boolean log, double step) {

        /** A linear axis over the values, widened by {@code pad} of its span on both sides and out to whole ticks. */
        static Axis linear(List<Double> values, double pad) {
            double lo = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double hi = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
            if (hi - lo <= 1e-12 * Math.max(1, Math.abs(hi))) {
                // A flat line still needs a span to be drawn in.
                double half = Math.max(Math.abs(hi) * 0.1, 1e-9);
                lo -= half;
                hi += half;
            }
            double span = hi - lo;
            lo -= pad * span;
            hi += pad * span;
            double step = niceStep((hi - lo) / 8);
            return new Axis(lo, hi, false, step);
        }

        /** A base-10 logarithmic axis from the decade below the smallest value to the decade above the largest. */
        static Axis logarithmic(List<Double> values) {
            double lo = values.stream().mapToDouble(Math::log10).min().orElse(0);
            double hi = values.stream().mapToDouble(Math::log10).max().orElse(1);
            lo = Math.floor(lo);
            hi = Math.max(Math.ceil(hi), lo + 1);
            // At most about ten labelled decades fit under a plot of ordinary width.
            return new Axis(lo, hi, true, Math.ceil((hi - lo) / 10));
        }

        /** Where {@code value} lies between the axis's ends, 0 to 1. */
        double fraction(double value) {
            return ((log ? Math.log10(value) : value) - min) / (max - min);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(min / step - 1e-9) * step; t <= max + 1e-9 * step; t += step) {
                ticks.add(log ? Math.pow(10, Math.rint(t)) : (Math.abs(t) < 1e-9 * step ? 0 : t));
            }
            return ticks;
        }

        String label(double tick) {
            if (log) {
                long exponent = Math.round(Math.log10(tick));
                return exponent >= 0 && exponent <= 3 ? Long.toString((long) tick) : "1e" + exponent;
            }
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", tick);
        }

        /** 1, 2 or 5 times a power of ten, the smallest such at least {@code raw}. */
        private static double niceStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5}) {
                if (m * power >= raw * (1 - 1e-9)) {
                    return m * power;
                }
            }
            return 10 * power;
        }
    }
}
