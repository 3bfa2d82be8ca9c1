package dev.trainer.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A grid of counts drawn as coloured cells with the count in each, such as a confusion matrix:
 * rows top to bottom, columns left to right, each cell shaded by its share of its row, so that
 * a row's spread reads at a glance whatever its total. Rendered headless; the image's size
 * follows from the number of rows and columns and the label widths.
 *
 * @param title       drawn above the grid; empty for none
 * @param rowLabels   one per row, drawn left of it
 * @param columnLabels one per column, drawn above it
 * @param rowAxis     what the rows are, e.g. "true class"
 * @param columnAxis  what the columns are, e.g. "predicted class"
 * @param counts      {@code counts[row][column]}
 */
public record Heatmap(String title, List<String> rowLabels, List<String> columnLabels, String rowAxis,
                      String columnAxis, long[][] counts) {

    private static final Color LOW = new Color(0xF7FBFF);
    private static final Color HIGH = new Color(0x08306B);
    private static final int MARGIN = 12;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException when the labels do not match the counts' rows and columns
     */
    public Heatmap {
        rowLabels = List.copyOf(rowLabels);
        columnLabels = List.copyOf(columnLabels);
        if (counts.length != rowLabels.size()) {
            throw new IllegalArgumentException(rowLabels.size() + " row labels for " + counts.length + " rows");
        }
        for (long[] row : counts) {
            if (row.length != columnLabels.size()) {
                throw new IllegalArgumentException(columnLabels.size() + " column labels for a row of " + row.length);
            }
        }
    }

    /** Draws the heatmap into a new RGB image. */
    public BufferedImage render() {
        int cell = cellSize();
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        FontMetrics fm = metrics(labelFont);
        int labelWidth = rowLabels.stream().mapToInt(fm::stringWidth).max().orElse(0);
        int titleHeight = title.isEmpty() ? 0 : fm.getHeight() + 8;
        int left = MARGIN + fm.getHeight() + 4 + labelWidth + 6;
        int top = MARGIN + titleHeight + fm.getHeight() + 4 + fm.getHeight() + 4;
        int width = Math.max(left + cell * columnLabels.size() + MARGIN, 200);
        int height = top + cell * rowLabels.size() + MARGIN;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(labelFont);
            g.setColor(Chart.TEXT);
            if (!title.isEmpty()) {
                g.setFont(labelFont.deriveFont(Font.BOLD, 13f));
                g.drawString(title, MARGIN, MARGIN + fm.getAscent());
                g.setFont(labelFont);
            }
            g.drawString(columnAxis, left, MARGIN + titleHeight + fm.getAscent());
            drawRotated(g, rowAxis, MARGIN + fm.getAscent(), top + cell * rowLabels.size() / 2 + fm.stringWidth(rowAxis) / 2);
            for (int c = 0; c < columnLabels.size(); c++) {
                String label = columnLabels.get(c);
                g.drawString(label, left + c * cell + (cell - fm.stringWidth(label)) / 2, top - 4 - fm.getDescent());
            }
            for (int r = 0; r < rowLabels.size(); r++) {
                paintRow(g, r, left, top + r * cell, cell, labelWidth);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private void paintRow(Graphics2D g, int r, int left, int y, int cell, int labelWidth) {
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Chart.TEXT);
        g.drawString(rowLabels.get(r), left - 6 - labelWidth, y + (cell + fm.getAscent()) / 2 - 1);
        long total = 0;
        for (long v : counts[r]) {
            total += v;
        }
        for (int c = 0; c < counts[r].length; c++) {
            double share = total == 0 ? 0 : (double) counts[r][c] / total;
            g.setColor(blend(share));
            g.fillRect(left + c * cell, y, cell, cell);
            g.setColor(Chart.FRAME);
            g.drawRect(left + c * cell, y, cell, cell);
            String count = Long.toString(counts[r][c]);
            g.setColor(share > 0.5 ? Color.WHITE : Chart.TEXT);
            g.drawString(count, left + c * cell + (cell - fm.stringWidth(count)) / 2, y + (cell + fm.getAscent()) / 2 - 1);
        }
    }

    /** Big enough for the widest count and column label, within 24..60 pixels. */
    private int cellSize() {
        FontMetrics fm = metrics(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int widest = 0;
        for (long[] row : counts) {
            for (long v : row) {
                widest = Math.max(widest, fm.stringWidth(Long.toString(v)));
            }
        }
        for (String label : columnLabels) {
            widest = Math.max(widest, fm.stringWidth(label));
        }
        return Math.clamp(widest + 10, 24, 60);
    }

    private static Color blend(double share) {
        return new Color(mix(LOW.getRed(), HIGH.getRed(), share), mix(LOW.getGreen(), HIGH.getGreen(), share),
                mix(LOW.getBlue(), HIGH.getBlue(), share));
    }

    private static int mix(int from, int to, double t) {
        return (int) Math.round(from + (to - from) * t);
    }

    private static void drawRotated(Graphics2D g, String text, int x, int y) {
        var saved = g.getTransform();
        g.rotate(-Math.PI / 2, x, y);
        g.drawString(text, x, y);
        g.setTransform(saved);
    }

    private static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }
}
