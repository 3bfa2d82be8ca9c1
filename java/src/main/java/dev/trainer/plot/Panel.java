package dev.trainer.plot;

import java.util.List;

/**
 * One panel of a {@link Chart}: its own y axis over the chart's shared x axis.
 *
 * @param yLabel  drawn beside the y axis, followed by "(log)" on a log axis
 * @param logY    whether the y axis is base-10 logarithmic; values that are not positive are then skipped
 * @param weight  its share of the chart's height, relative to the other panels'
 * @param series  drawn in order, the last on top
 * @param markers drawn over the series, their labels one row each from the top
 */
public record Panel(String yLabel, boolean logY, double weight, List<Series> series, List<Marker> markers) {

    /**
     * Copies the lists.
     *
     * @throws IllegalArgumentException when {@code weight} is not positive
     */
    public Panel {
        series = List.copyOf(series);
        markers = List.copyOf(markers);
        if (!(weight > 0)) {
            throw new IllegalArgumentException("panel " + yLabel + ": weight must be positive, got " + weight);
        }
    }

    /** A panel without markers. */
    public Panel(String yLabel, boolean logY, double weight, List<Series> series) {
        this(yLabel, logY, weight, series, List.of());
    }
}
