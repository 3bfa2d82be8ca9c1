package dev.trainer.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * A line chart of one or more {@link Panel}s stacked over a shared x axis (linear or log),
 * rendered headless to an image: each panel with its own y axis (linear or log), grid, tick
 * labels, legend and labelled {@link Marker}s. Values that are NaN (or not positive, on a log
 * axis) break the line rather than end it, so a gap in the data shows as a gap.
 *
 * @param title  drawn above the panels; empty for none
 * @param xLabel drawn under the bottom panel, followed by "(log)" on a log axis
 * @param logX   whether the x axis is base-10 logarithmic
 * @param panels top to bottom
 */
public record Chart(String title, String xLabel, boolean logX, List<Panel> panels) {

    static {
        // Rendering into an image needs no display; without this a server with DISPLAY unset can fail.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final Color GRID = new Color(0xE3E3E3);
    static final Color FRAME = new Color(0x9A9A9A);
    static final Color TEXT = new Color(0x333333);
    private static final int LEFT = 82;
    private static final int RIGHT = 20;
    private static final int BOTTOM = 50;
    private static final int GAP = 16;

    /**
     * Copies the list.
     *
     * @throws IllegalArgumentException when there are no panels
     */
    public Chart {
        panels = List.copyOf(panels);
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one panel");
        }
    }

    /** A chart over a linear x axis. */
    public Chart(String title, String xLabel, List<Panel> panels) {
        this(title, xLabel, false, panels);
    }

    /**
     * Draws the chart into a new RGB image of that size.
     *
     * @throws IllegalArgumentException when the image is narrower than 200 pixels or too short for the panels
     */
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
            Axis x = xAxis();
            double weights = panels.stream().mapToDouble(Panel::weight).sum();
            double available = height - top - BOTTOM - GAP * (panels.size() - 1);
            double y = top;
            for (int i = 0; i < panels.size(); i++) {
                Panel p = panels.get(i);
                int h = (int) Math.round(available * p.weight() / weights);
                new PanelPainter(g, p, LEFT, (int) y, width - LEFT - RIGHT, h, x, i == panels.size() - 1).paint();
                y += h + GAP;
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(TEXT);
            FontMetrics fm = g.getFontMetrics();
            String text = xLabel + (logX ? " (log)" : "");
            g.drawString(text, LEFT + (width - LEFT - RIGHT - fm.stringWidth(text)) / 2, height - 10);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Renders and writes a PNG, replacing any file there.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written (the old file is kept)
     */
    public void writePng(Path file, int width, int height) {
        Pictures.writePng(render(width, height), file);
    }

    /**
     * The x axis over all panels' points with a drawable y and all markers, padded a little; a unit
     * span (a decade on a log axis) around a single value, [0, 1] when there is none.
     */
    private Axis xAxis() {
        Axis bare = new Axis(0, 1, logX);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Panel p : panels) {
            for (Series s : p.series()) {
                double[] x = s.x();
                double[] y = s.y();
                for (int i = 0; i < x.length; i++) {
                    if (bare.drawable(x[i]) && Double.isFinite(y[i])) {
                        lo = Math.min(lo, bare.unit(x[i]));
                        hi = Math.max(hi, bare.unit(x[i]));
                    }
                }
            }
            for (Marker m : p.markers()) {
                if (bare.drawable(m.x())) {
                    lo = Math.min(lo, bare.unit(m.x()));
                    hi = Math.max(hi, bare.unit(m.x()));
                }
            }
        }
        // the padding keeps dots at the ends from being cut in half
        return lo > hi ? bare : Axis.around(lo, hi, logX, 0.5, 0.015);
    }
}
