package dev.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small image files written at test time. */
final class TestImages {

    private TestImages() {
    }

    /**
     * Writes a {@code width} x {@code height} image in the format of the file's extension (png,
     * jpg, bmp, gif), greyscale, its pixels a ramp offset by {@code shade} so that files differ.
     */
    static Path write(Path file, int width, int height, int shade) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (shade + 7 * x + 3 * y) % 256);
            }
        }
        String name = file.getFileName().toString();
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, name.substring(name.lastIndexOf('.') + 1), file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
