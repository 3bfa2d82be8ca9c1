package dev.trainer.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class LinePlotTest {

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
        new LinePlot("waves", "step", "value").series("sin", x, y).series("cos", x, y2).writePng(file, 640, 400);

        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, java.util.Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertTrue(countPixels(image, LinePlotTest::isBluish) > 300, "the first series is drawn");
        assertTrue(countPixels(image, LinePlotTest::isReddish) > 300, "the second series is drawn");
        assertTrue(countPixels(image, rgb -> (rgb & 0xffffff) == 0) > 100, "text is drawn");
    }

    @Test
    void drawsLogAxesMarkersAndFlatLines() {
        double[] x = {1e-6, 1e-4, 1e-2, 1, -1, 0};
        double[] y = {2, 2, 2, 2, 2, 2};
        BufferedImage image = new LinePlot("", "lr", "loss").logX().series("flat", x, y).marker(1e-3, 2, "here").render(300, 200);
        assertTrue(countPixels(image, LinePlotTest::isBluish) > 50);
        assertTrue(countPixels(image, LinePlotTest::isReddish) > 20);
    }

    @Test
    void anEmptyPlotStillRenders() {
        BufferedImage image = new LinePlot("nothing", "x", "y").render(200, 150);
        assertTrue(countPixels(image, rgb -> (rgb & 0xffffff) != 0xffffff) > 100, "axes and labels");
    }

    @Test
    void rejectsMismatchedSeriesAndTinyImages() {
        var plot = new LinePlot("t", "x", "y");
        assertThrows(IllegalArgumentException.class, () -> plot.series("s", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> plot.render(100, 100));
    }

    public static int countPixels(BufferedImage image, IntPredicate test) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (test.test(image.getRGB(x, y))) {
                    count++;
                }
            }
        }
        return count;
    }

    static boolean isBluish(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int b = rgb & 0xff;
        return b > 150 && b - r > 60;
    }

    public static boolean isReddish(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        return r > 150 && r - g > 60;
    }
}
