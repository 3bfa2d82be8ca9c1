package dev.trainer.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import dev.trainer.io.AtomicFile;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Rendered charts put together and written out. */
public final class Pictures {

    private Pictures() {
    }

    /** {@code left} and {@code right} side by side on white, each at the top, as tall as the taller. */
    public static BufferedImage beside(BufferedImage left, BufferedImage right) {
        int width = left.getWidth() + right.getWidth();
        int height = Math.max(left.getHeight(), right.getHeight());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, left.getWidth(), 0, null);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Writes a PNG atomically, replacing any file there.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writePng(BufferedImage image, Path file) {
        AtomicFile.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        });
    }
}
