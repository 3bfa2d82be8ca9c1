package dev.trainer.monitor.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.monitor.plot.Chart.Panel;
import dev.trainer.monitor.plot.Chart.Series;
import dev.trainer.monitor.plot.Chart.Style;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartTest {

    /** Pixels of exactly that colour. */
    static long count(BufferedImage image, Color color) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF) ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void linearTicksAreRoundNumbers() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, Ticks.linear(0, 1, 5), 1e-12);
        assertArrayEquals(new double[] {0, 50, 100, 150, 200, 250}, Ticks.linear(-3, 256, 5), 1e-12);
        assertArrayEquals(new double[] {0.3, 0.31, 0.32}, Ticks.linear(0.295, 0.325, 3), 1e-12);
        assertEquals("0.30", Ticks.label(0.3, 0.01));
        assertEquals("150", Ticks.label(150, 50));
        assertEquals("2e-5", Ticks.label(2e-5, 1e-5));
    }

    @Test
    void logTicksArePowersOfTenOrOneTwoFiveOverShortRanges() {
        assertArrayEquals(new double[] {1e-4, 1e-3, 1e-2, 1e-1, 1}, Ticks.log(5e-5, 2), 1e-18);
        assertArrayEquals(new double[] {0.05, 0.1, 0.2, 0.5, 1}, Ticks.log(0.04, 1.7), 1e-12);
        assertArrayEquals(new double[] {0.2, 0.5, 1, 2}, Ticks.log(0.15, 3), 1e-12);
        assertEquals("1e-5", Ticks.logLabel(1e-5));
        assertEquals("0.01", Ticks.logLabel(0.01));
        assertEquals("2000", Ticks.logLabel(2000));
    }

    @Test
    void drawsEverySeriesInItsColour() {
        Color red = new Color(0xD00000);
        Color blue = new Color(0x0000D0);
        double[] x = {0, 1, 2, 3, 4};
        Chart chart = new Chart("test", "x", List.of(
                new Panel("a", false, 1, List.of(new Series("red", x, new double[] {1, 3, 2, 5, 4}, red, Style.LINE))),
                new Panel("b", true, 1, List.of(new Series("blue", x, new double[] {1e-3, 1e-2, Double.NaN, 0, 1}, blue,
                        Style.LINE_AND_MARKERS)))));

        BufferedImage image = chart.render(600, 400);

        assertEquals(600, image.getWidth());
        assertTrue(count(image, red) > 200, "red pixels: " + count(image, red));
        assertTrue(count(image, blue) > 100, "blue pixels: " + count(image, blue));
    }

    @Test
    void aPanelWithoutDataSaysSo() {
        Chart chart = new Chart("", "x", List.of(new Panel("empty", true, 1,
                List.of(new Series("", new double[] {1, 2}, new double[] {Double.NaN, -1}, Color.BLACK, Style.LINE)))));

        BufferedImage image = chart.render(300, 200);

        assertEquals(200, image.getHeight());
    }

    @Test
    void mismatchedSeriesAndTinyImagesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Series("s", new double[2], new double[3], Color.BLACK, Style.LINE));
        Chart chart = new Chart("", "x", List.of(new Panel("p", false, 1, List.of())));
        assertThrows(IllegalArgumentException.class, () -> chart.render(100, 50));
    }
}
