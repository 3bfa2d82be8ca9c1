package dev.trainer.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trainer.plot.Chart;
import dev.trainer.plot.Panel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPlotTest {

    @TempDir
    Path dir;

    @Test
    void writesAReadablePngOfTheRun() throws Exception {
        RunHistory run = RunHistory.read(Traces.resource("digits-healthy.jsonl"));
        // target/ so that a developer can look at it after the build
        Path png = Path.of("target", "monitor", "digits-run.png");
        Files.createDirectories(png.getParent());

        RunPlot.write(run, "digits, lr 0.003", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(RunPlot.WIDTH, image.getWidth());
        assertEquals(RunPlot.HEIGHT, image.getHeight());
        long inked = 0;
        long validation = 0;
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                inked += rgb == 0xFFFFFF ? 0 : 1;
                validation += rgb == 0xFF7F0E ? 1 : 0;
                colours.add(rgb);
            }
        }
        assertTrue(inked > image.getWidth() * image.getHeight() / 50, "inked pixels: " + inked);
        assertTrue(colours.size() > 50, "colours: " + colours.size());
        assertTrue(validation > 100, "pixels of the validation curve: " + validation);
    }

    @Test
    void panelsFollowWhatWasRecorded() {
        Chart withAll = RunPlot.chart(RunHistory.read(Traces.resource("digits-healthy.jsonl")), "");
        Chart epochsOnly = RunPlot.chart(Traces.trace().epochs(Traces.d(1, 0.5), null, null).history(), "");

        assertEquals(List.of("loss", "accuracy", "learning rate"),
                withAll.panels().stream().map(Panel::yLabel).toList());
        assertEquals("step", withAll.xLabel());
        assertEquals(List.of("loss"), epochsOnly.panels().stream().map(Panel::yLabel).toList());
        assertEquals("epoch", epochsOnly.xLabel());
    }

    @Test
    void aDivergedRunStillPlots() throws Exception {
        RunHistory run = RunHistory.read(Traces.resource("digits-lr-too-high.jsonl"));
        Path png = dir.resolve("hot.png");

        RunPlot.write(run, "lr 0.5", png);

        assertEquals(RunPlot.WIDTH, ImageIO.read(png.toFile()).getWidth());
        assertTrue(RunPlot.chart(run, "").panels().getFirst().logY(), "a loss spanning 1.6 to 192 is drawn on a log axis");
    }

    @Test
    void theBestEpochsConfusionMatrixStandsBesideTheCurves() throws Exception {
        Traces trace = Traces.trace().epochs(Traces.d(1.0, 0.8, 0.6), Traces.d(0.9, 0.7, 0.75), Traces.d(0.5, 0.6, 0.55))
                .confusion(1, new long[][] {{5, 5}, {5, 5}}).confusion(2, new long[][] {{8, 2}, {3, 7}})
                .confusion(3, new long[][] {{9, 1}, {4, 6}});
        Path png = dir.resolve("with-matrix.png");

        RunPlot.write(trace.history(), "classes", png);

        assertEquals("validation, epoch 2 (lowest val_loss)", RunPlot.bestConfusion(trace.history()).title());
        assertEquals(8, RunPlot.bestConfusion(trace.history()).counts()[0][0]);
        assertEquals("validation, epoch 3 (restored best)", RunPlot.bestConfusion(trace.restored(3).history()).title());
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() > RunPlot.WIDTH + 100, "the matrix is drawn to the right: " + image.getWidth());
        assertEquals(RunPlot.HEIGHT, image.getHeight());
        assertTrue(countInk(image, RunPlot.WIDTH) > 1000, "the right part is drawn on");
    }

    private static long countInk(BufferedImage image, int fromX) {
        long ink = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = fromX; x < image.getWidth(); x++) {
                ink += (image.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF ? 0 : 1;
            }
        }
        return ink;
    }
}
