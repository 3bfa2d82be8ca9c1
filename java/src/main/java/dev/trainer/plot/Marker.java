package dev.trainer.plot;

import java.awt.Color;

/**
 * A labelled point of a {@link Panel}: a dashed vertical line across the panel at {@code x}, a
 * dot at {@code (x, y)} and the label beside the line near the panel's top. Markers widen the
 * axes to include themselves.
 *
 * @param x     where the line stands; a marker off the x axis (not positive on a log axis) is not drawn
 * @param y     where the dot sits; NaN for the line and label without a dot
 * @param label drawn beside the line
 * @param color of the line, the dot and the label
 */
public record Marker(double x, double y, String label, Color color) {
}
