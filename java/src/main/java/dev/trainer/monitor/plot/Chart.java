package dev.trainer.monitor.plot;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart of one or more panels stacked over a shared x axis, rendered headless to an
 * image: each panel with its own y axis (linear or log), grid, tick labels and legend. Values
 * that are NaN (or not positive, on a log axis) break the line rather than end it, so a gap in
 * the data shows as a gap.
 *
 * @param title  drawn above the panels; empty for none
 * @param xLabel drawn under the bottom panel
 * @param panels top to bottom
 */
public record Chart(String title, String xLabel, List<Panel> panels) {

    static {
        // Rendering into an image needs no display; without this a server with DISPLAY unset can fail.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** How a series is drawn. */
    public enum Style {
        /** A solid line. */
        LINE,
        /** A thin translucent line, for dense noisy data under a smoother series. */
        FAINT_LINE,
        /** A solid line with a dot at each point, for sparse data such as one value per epoch. */
        LINE_AND_MARKERS
    }

    /**
     * One curve. The arrays are copied; {@code x} and {@code y} have the same length.
     *
     * @param name shown in the legend; empty to leave it out
     */
    public record Series(String name, double[] x, double[] y, Color color, Style style) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y");
            }
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }
    }

    /**
     * One panel.
     *
     * @param weight its share of the height, relative to the other panels'
     */
    public record Panel(String yLabel, boolean logY, double weight, List<Series> series) {
        public Panel {
            series = List.copyOf(series);
            if (!(weight > 0)) {
                throw new IllegalArgumentException("panel " + yLabel + ": weight must be positive, got " + weight);
            }
        }
    }

    public Chart {
        panels = List.copyOf(panels);
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one panel");
        }
    }

    private static final Color GRID = new Color(0xE3E3E3);
    private static final Color FRAME = new Color(0x9A9A9A);
    private static final Color TEXT = new Color(0x333333);
    private static final int LEFT = 82;
    private static final int RIGHT = 20;
    private static final int BOTTOM = 50;
    private static final int GAP = 16;

    /** Draws the chart into a new RGB image of that size. */
    public BufferedImage render(int width, int height) {
        if (width < 200 || height < 60 + 60 * panels.size()) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image is too small for " + panels.size()
                    + " panels");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int top = 14;
            if (!title.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
                g.setColor(TEXT);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(title, (width - fm.stringWidth(title)) / 2, 10 + fm.getAscent());
                top = 20 + fm.getHeight();
            }
            double[] xRange = xRange();
            double weights = panels.stream().mapToDouble(Panel::weight).sum();
            double available = height - top - BOTTOM - GAP * (panels.size() - 1);
            double y = top;
            for (int i = 0; i < panels.size(); i++) {
                Panel p = panels.get(i);
                int h = (int) Math.round(available * p.weight() / weights);
                new PanelPainter(g, p, LEFT, (int) y, width - LEFT - RIGHT, h, xRange, i == panels.size() - 1).paint();
                y += h + GAP;
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(TEXT);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(xLabel, LEFT + (width - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, height - 10);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Renders and writes a PNG, replacing any file there. */
    public void writePng(Path file, int width, int height) {
        BufferedImage image = render(width, height);
        try (var out = Files.newOutputStream(file)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The x range of all panels' finite data, padded a little; a unit range around a single value, [0, 1] when there is none. */
    private double[] xRange() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Panel p : panels) {
            for (Series s : p.series()) {
                for (int i = 0; i < s.x.length; i++) {
                    if (Double.isFinite(s.x[i]) && Double.isFinite(s.y[i])) {
                        lo = Math.min(lo, s.x[i]);
                        hi = Math.max(hi, s.x[i]);
                    }
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        if (lo == hi) {
            return new double[] {lo - 0.5, hi + 0.5};
        }
        double pad = (hi - lo) * 0.015; // so that markers at the ends are not cut in half
        return new double[] {lo - pad, hi + pad};
    }

    /** Paints one panel into its rectangle. */
    private static final class PanelPainter {
        private final Graphics2D g;
        private final Panel panel;
        private final int left;
        private final int top;
        private final int width;
        private final int height;
        private final double[] xRange;
        private final boolean bottom;
        private double yLo;
        private double yHi;

        PanelPainter(Graphics2D g, Panel panel, int left, int top, int width, int height, double[] xRange,
                     boolean bottom) {
            this.g = g;
            this.panel = panel;
            this.left = left;
            this.top = top;
            this.width = width;
            this.height = height;
            this.xRange = xRange;
            this.bottom = bottom;
        }

        void paint() {
            boolean hasData = yRange();
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setStroke(new BasicStroke(1));
            double[] xTicks = Ticks.linear(xRange[0], xRange[1], Math.max(2, width / 110));
            double xStep = Ticks.step(xRange[0], xRange[1], Math.max(2, width / 110));
            FontMetrics fm = g.getFontMetrics();
            for (double t : xTicks) {
                int px = px(t);
                g.setColor(GRID);
                g.draw(new Line2D.Double(px, top, px, top + height));
                if (bottom) {
                    g.setColor(TEXT);
                    String label = Ticks.label(t, xStep);
                    g.drawString(label, px - fm.stringWidth(label) / 2, top + height + 4 + fm.getAscent());
                }
            }
            if (hasData) {
                double[] yTicks = panel.logY() ? Ticks.log(Math.pow(10, yLo), Math.pow(10, yHi))
                        : Ticks.linear(yLo, yHi, Math.max(2, Math.min(8, height / 38)));
                double yStep = panel.logY() ? 0 : Ticks.step(yLo, yHi, Math.max(2, Math.min(8, height / 38)));
                for (double t : yTicks) {
                    int py = py(t);
                    g.setColor(GRID);
                    g.draw(new Line2D.Double(left, py, left + width, py));
                    g.setColor(TEXT);
                    String label = panel.logY() ? Ticks.logLabel(t) : Ticks.label(t, yStep);
                    g.drawString(label, left - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
                }
            }
            g.setColor(FRAME);
            g.drawRect(left, top, width, height);
            yLabel();
            if (!hasData) {
                g.setColor(FRAME);
                g.drawString("no data", left + (width - fm.stringWidth("no data")) / 2, top + height / 2);
                return;
            }
            var clip = g.getClip();
            g.clipRect(left + 1, top + 1, width - 1, height - 1);
            panel.series().forEach(this::series);
            g.setClip(clip);
            legend();
        }

        /** Sets the y range (log10 units on a log axis) from the data, padded; false when there is nothing to draw. */
        private boolean yRange() {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Series s : panel.series()) {
                for (double v : s.y) {
                    if (drawable(v)) {
                        double u = panel.logY() ? Math.log10(v) : v;
                        lo = Math.min(lo, u);
                        hi = Math.max(hi, u);
                    }
                }
            }
            if (lo > hi) {
                return false;
            }
            if (lo == hi) {
                double half = panel.logY() ? 0.5 : Math.max(Math.abs(lo) * 0.1, 1e-12);
                lo -= half;
                hi += half;
            }
            double pad = (hi - lo) * 0.05;
            yLo = lo - pad;
            yHi = hi + pad;
            return true;
        }

        private boolean drawable(double v) {
            return Double.isFinite(v) && (!panel.logY() || v > 0);
        }

        private int px(double x) {
            return (int) Math.round(left + (x - xRange[0]) / (xRange[1] - xRange[0]) * width);
        }

        private double pxExact(double x) {
            return left + (x - xRange[0]) / (xRange[1] - xRange[0]) * width;
        }

        private int py(double v) {
            return (int) Math.round(pyExact(v));
        }

        private double pyExact(double v) {
            double u = panel.logY() ? Math.log10(v) : v;
            return top + height - (u - yLo) / (yHi - yLo) * height;
        }

        private void series(Series s) {
            boolean faint = s.style() == Style.FAINT_LINE;
            g.setColor(faint ? new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), 90) : s.color());
            g.setStroke(new BasicStroke(faint ? 1f : 2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < s.x.length; i++) {
                if (!Double.isFinite(s.x[i]) || !drawable(s.y[i])) {
                    pen = false;
                    continue;
                }
                double px = pxExact(s.x[i]);
                double py = pyExact(s.y[i]);
                if (pen) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                    pen = true;
                }
                if (s.style() == Style.LINE_AND_MARKERS) {
                    g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
                }
            }
            g.draw(path);
        }

        /** Data points inside a rectangle; line segments between them count through their ends. */
        private long covered(int x, int y, int w, int h) {
            long n = 0;
            for (Series s : panel.series()) {
                for (int i = 0; i < s.x.length; i++) {
                    if (Double.isFinite(s.x[i]) && drawable(s.y[i])) {
                        double px = pxExact(s.x[i]);
                        double py = pyExact(s.y[i]);
                        n += px >= x && px <= x + w && py >= y && py <= y + h ? 1 : 0;
                    }
                }
            }
            return n;
        }

        private void yLabel() {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(TEXT);
            FontMetrics fm = g.getFontMetrics();
            String text = panel.yLabel() + (panel.logY() ? " (log)" : "");
            AffineTransform saved = g.getTransform();
            g.translate(16 + fm.getAscent() / 2.0, top + height / 2.0 + fm.stringWidth(text) / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(text, 0, 0);
            g.setTransform(saved);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }

        /**
         * Named series on a translucent box, in the corner that covers the fewest data points
         * (top right when tied).
         */
        private void legend() {
            List<Series> named = panel.series().stream().filter(s -> !s.name().isEmpty()).toList();
            if (named.isEmpty()) {
                return;
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            int row = fm.getHeight() + 2;
            int textWidth = named.stream().mapToInt(s -> fm.stringWidth(s.name())).max().orElse(0);
            int w = 38 + textWidth;
            int h = row * named.size() + 8;
            int[][] corners = {{left + width - w - 8, top + 8}, {left + width - w - 8, top + height - h - 8},
                {left + 8, top + 8}, {left + 8, top + height - h - 8}};
            int[] corner = corners[0];
            long fewest = Long.MAX_VALUE;
            for (int[] c : corners) {
                long covered = covered(c[0], c[1], w, h);
                if (covered < fewest) {
                    fewest = covered;
                    corner = c;
                }
            }
            int x = corner[0];
            int y = corner[1];
            var composite = g.getComposite();
            g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.85f));
            g.setColor(Color.WHITE);
            g.fillRect(x, y, w, h);
            g.setComposite(composite);
            g.setColor(FRAME);
            g.setStroke(new BasicStroke(1));
            g.drawRect(x, y, w, h);
            for (int i = 0; i < named.size(); i++) {
                Series s = named.get(i);
                int cy = y + 4 + row * i + row / 2;
                g.setColor(s.color());
                g.setStroke(new BasicStroke(s.style() == Style.FAINT_LINE ? 1f : 2f));
                g.draw(new Line2D.Double(x + 6, cy, x + 28, cy));
                if (s.style() == Style.LINE_AND_MARKERS) {
                    g.fill(new Ellipse2D.Double(x + 17 - 3.5, cy - 3.5, 7, 7));
                }
                g.setColor(TEXT);
                g.drawString(s.name(), x + 34, cy + fm.getAscent() / 2 - 1);
            }
        }
    }
}
