package dev.trainer.plot;

import static dev.trainer.plot.Chart.FRAME;
import static dev.trainer.plot.Chart.GRID;
import static dev.trainer.plot.Chart.TEXT;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.util.List;

/** Paints one {@link Panel} of a {@link Chart} into its rectangle. */
final class PanelPainter {
    private final Graphics2D g;
    private final Panel panel;
    private final int left;
    private final int top;
    private final int width;
    private final int height;
    private final Axis x;
    private final boolean bottom;
    private Axis y;

    /** A painter of {@code panel} into the rectangle given, over the chart's x axis; the bottom panel labels the x ticks. */
    PanelPainter(Graphics2D g, Panel panel, int left, int top, int width, int height, Axis x, boolean bottom) {
        this.g = g;
        this.panel = panel;
        this.left = left;
        this.top = top;
        this.width = width;
        this.height = height;
        this.x = x;
        this.bottom = bottom;
    }

    void paint() {
        y = yAxis();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setStroke(new BasicStroke(1));
        int xTarget = Math.max(2, width / 110);
        FontMetrics fm = g.getFontMetrics();
        for (double t : x.ticks(xTarget)) {
            int px = (int) Math.round(px(t));
            g.setColor(GRID);
            g.draw(new Line2D.Double(px, top, px, top + height));
            if (bottom) {
                g.setColor(TEXT);
                String label = x.label(t, xTarget);
                g.drawString(label, px - fm.stringWidth(label) / 2, top + height + 4 + fm.getAscent());
            }
        }
        if (y != null) {
            int yTarget = Math.max(2, Math.min(8, height / 38));
            for (double t : y.ticks(yTarget)) {
                int py = (int) Math.round(py(t));
                g.setColor(GRID);
                g.draw(new Line2D.Double(left, py, left + width, py));
                g.setColor(TEXT);
                String label = y.label(t, yTarget);
                g.drawString(label, left - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
        }
        g.setColor(FRAME);
        g.drawRect(left, top, width, height);
        yLabel();
        if (y == null) {
            g.setColor(FRAME);
            g.drawString("no data", left + (width - fm.stringWidth("no data")) / 2, top + height / 2);
            return;
        }
        var clip = g.getClip();
        g.clipRect(left + 1, top + 1, width - 1, height - 1);
        panel.series().forEach(this::series);
        g.setClip(clip);
        List<Marker> markers = panel.markers();
        for (int i = 0; i < markers.size(); i++) {
            marker(markers.get(i), i);
        }
        legend();
    }

    /** The y axis over the drawable values and markers, padded; null when there is nothing to draw. */
    private Axis yAxis() {
        Axis bare = new Axis(0, 1, panel.logY());
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            for (double v : s.y()) {
                if (bare.drawable(v)) {
                    lo = Math.min(lo, bare.unit(v));
                    hi = Math.max(hi, bare.unit(v));
                }
            }
        }
        for (Marker m : panel.markers()) {
            if (bare.drawable(m.y())) {
                lo = Math.min(lo, bare.unit(m.y()));
                hi = Math.max(hi, bare.unit(m.y()));
            }
        }
        if (lo > hi) {
            return null;
        }
        return Axis.around(lo, hi, panel.logY(), panel.logY() ? 0.5 : Math.max(Math.abs(lo) * 0.1, 1e-12), 0.05);
    }

    private double px(double v) {
        return left + x.fraction(v) * width;
    }

    private double py(double v) {
        return top + height - y.fraction(v) * height;
    }

    private void series(Series s) {
        boolean faint = s.style() == Style.FAINT_LINE;
        g.setColor(faint ? new Color(s.color().getRed(), s.color().getGreen(), s.color().getBlue(), 90) : s.color());
        g.setStroke(new BasicStroke(faint ? 1f : 2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double[] xs = s.x();
        double[] ys = s.y();
        Path2D.Double path = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            if (!x.drawable(xs[i]) || !y.drawable(ys[i])) {
                pen = false;
                continue;
            }
            double px = px(xs[i]);
            double py = py(ys[i]);
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

    /** A dashed line across the panel, a dot on the point and the label in row {@code row} from the top, beside the line where it fits. */
    private void marker(Marker m, int row) {
        if (!x.drawable(m.x())) {
            return;
        }
        int px = (int) Math.round(px(m.x()));
        g.setColor(m.color());
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        g.drawLine(px, top, px, top + height);
        if (y.drawable(m.y())) {
            g.fill(new Ellipse2D.Double(px - 4.5, py(m.y()) - 4.5, 9, 9));
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int textWidth = fm.stringWidth(m.label());
        int tx = px + 5 + textWidth <= left + width ? px + 5 : px - 5 - textWidth;
        int ty = top + 4 + fm.getAscent() + row * (fm.getHeight() + 2);
        g.setColor(new Color(255, 255, 255, 210));
        g.fillRect(tx - 2, ty - fm.getAscent(), textWidth + 4, fm.getHeight());
        g.setColor(m.color());
        g.drawString(m.label(), tx, ty);
    }

    /** Data points inside a rectangle; line segments between them count through their ends. */
    private long covered(int rx, int ry, int w, int h) {
        long n = 0;
        for (Series s : panel.series()) {
            double[] xs = s.x();
            double[] ys = s.y();
            for (int i = 0; i < xs.length; i++) {
                if (x.drawable(xs[i]) && y.drawable(ys[i])) {
                    double px = px(xs[i]);
                    double py = py(ys[i]);
                    n += px >= rx && px <= rx + w && py >= ry && py <= ry + h ? 1 : 0;
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
        int bx = corner[0];
        int by = corner[1];
        var composite = g.getComposite();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.85f));
        g.setColor(Color.WHITE);
        g.fillRect(bx, by, w, h);
        g.setComposite(composite);
        g.setColor(FRAME);
        g.setStroke(new BasicStroke(1));
        g.drawRect(bx, by, w, h);
        for (int i = 0; i < named.size(); i++) {
            Series s = named.get(i);
            int cy = by + 4 + row * i + row / 2;
            g.setColor(s.color());
            g.setStroke(new BasicStroke(s.style() == Style.FAINT_LINE ? 1f : 2f));
            g.draw(new Line2D.Double(bx + 6, cy, bx + 28, cy));
            if (s.style() == Style.LINE_AND_MARKERS) {
                g.fill(new Ellipse2D.Double(bx + 17 - 3.5, cy - 3.5, 7, 7));
            }
            g.setColor(TEXT);
            g.drawString(s.name(), bx + 34, cy + fm.getAscent() / 2 - 1);
        }
    }
}
