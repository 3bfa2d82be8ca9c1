package dev.trainer.bench;

import dev.trainer.config.ImageConfig;
import dev.trainer.config.ImageNormalization;
import dev.trainer.data.Datasets;
import dev.trainer.data.ElementType;
import dev.trainer.data.ImageDataset;
import dev.trainer.data.ImageOptions;
import dev.trainer.data.InputSpec;
import dev.trainer.data.Labelling;
import dev.trainer.data.Task;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * An image folder for the image benchmarks, written into a temporary folder: {@code count} RGB
 * JPEGs in 10 class folders, each 5/4 of the model's size on a side (so loading decodes, resizes
 * down and normalizes, as with real photos), their content smooth gradients plus noise so that
 * JPEG has real work to do.
 */
final class BenchImages {

    private BenchImages() {
    }

    static Path writeFolder(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int side = size * 5 / 4;
        try {
            Path dir = Files.createTempDirectory("trainer-bench-images");
            for (int i = 0; i < count; i++) {
                BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        int r = (x * 255 / side + random.nextInt(32)) & 0xFF;
                        int g = (y * 255 / side + random.nextInt(32)) & 0xFF;
                        int b = ((x + y + i * 7) & 0xFF);
                        image.setRGB(x, y, r << 16 | g << 8 | b);
                    }
                }
                Path file = dir.resolve("c" + i % 10).resolve(i + ".jpg");
                Files.createDirectories(file.getParent());
                ImageIO.write(image, "jpg", file.toFile());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder as an RGB model input of that size takes it, ImageNet-normalized, decoded by {@code threads} threads. */
    static ImageDataset read(Path dir, int size, int threads) {
        InputSpec input = new InputSpec("pixels", ElementType.FLOAT, new long[] {-1, 3, size, size});
        return (ImageDataset) Datasets.read(dir, List.of(input), Labelling.of(Task.CLASSIFICATION, "label"), null,
                ImageOptions.training(new ImageConfig(null, ImageNormalization.IMAGENET, false, threads)));
    }

    static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
