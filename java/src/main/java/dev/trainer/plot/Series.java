package dev.trainer.plot;

import java.awt.Color;

/**
 * One curve of a {@link Panel}: a line through the points {@code (x[i], y[i])} in order. The
 * arrays are copied; {@code x} and {@code y} have the same length.
 *
 * @param name  shown in the panel's legend; empty to leave it out
 * @param x     the points' x values
 * @param y     the points' y values; a value that cannot be drawn (NaN, or not positive on a log axis) breaks the line
 * @param color of the line, its dots and its legend entry
 * @param style how the line is drawn
 */
public record Series(String name, double[] x, double[] y, Color color, Style style) {

    /**
     * Copies the arrays.
     *
     * @throws IllegalArgumentException when they differ in length
     */
    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y");
        }
        x = x.clone();
        y = y.clone();
    }

    /** A copy of the x values. */
    @Override
    public double[] x() {
        return x.clone();
    }

    /** A copy of the y values. */
    @Override
    public double[] y() {
        return y.clone();
    }
}
