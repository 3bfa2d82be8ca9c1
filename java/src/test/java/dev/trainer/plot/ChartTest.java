package dev.trainer.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {

    private static final Color BLUE = new Color(0x1F77B4);
    private static final Color RED = new Color(0xD62728);

    @TempDir
    Path tmp;

    @Test
    void writesAPngOfTheRequestedSizeWithTheLinesOnIt() throws Exception {
        double[] x = new double[50];
        double[] y = new double[50];
        double[] y2 = new double[50];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
            y[i] = Math.sin(i / 8.0);
            y2[i] = i == 20 ? Double.NaN : Math.cos(i / 8.0);
        }
        Path file = tmp.resolve("plot.png");
        new Chart("waves", "step", List.of(new Panel("value", false, 1, List.of(
                new Series("sin", x, y, BLUE, Style.LINE), new Series("cos", x, y2, RED, Style.LINE)))))
                .writePng(file, 640, 400);

        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertTrue(Pixels.count(image, Pixels::isBluish) > 300, "the first series is drawn");
        assertTrue(Pixels.count(image, Pixels::isReddish) > 300, "the second series is drawn");
        assertTrue(Pixels.count(image, Pixels.exactly(Chart.TEXT)) > 100, "text is drawn");
    }

    @Test
    void drawsLogAxesMarkersAndFlatLines() {
        double[] x = {1e-6, 1e-4, 1e-2, 1, -1, 0};
        double[] y = {2, 2, 2, 2, 2, 2};
        Chart chart = new Chart("", "lr", true, List.of(new Panel("loss", false, 1,
                List.of(new Series("", x, y, BLUE, Style.LINE)), List.of(new Marker(1e-3, 2, "here", RED)))));

        BufferedImage image = chart.render(300, 200);

        assertTrue(Pixels.count(image, Pixels::isBluish) > 50);
        assertTrue(Pixels.count(image, Pixels::isReddish) > 20);
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
        long reds = Pixels.count(image, Pixels.exactly(red));
        long blues = Pixels.count(image, Pixels.exactly(blue));
        assertTrue(reds > 200, "red pixels: " + reds);
        assertTrue(blues > 100, "blue pixels: " + blues);
    }

    @Test
    void anEmptyChartStillRenders() {
        BufferedImage image = new Chart("nothing", "x", List.of(new Panel("y", false, 1, List.of()))).render(200, 150);

        assertTrue(Pixels.count(image, rgb -> (rgb & 0xffffff) != 0xffffff) > 100, "axes and labels");
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
        assertThrows(IllegalArgumentException.class, () -> chart.render(100, 100));
    }
}
