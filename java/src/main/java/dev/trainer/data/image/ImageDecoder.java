package dev.trainer.data.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files with ImageIO: the JDK's readers for PNG, BMP and GIF (its first frame),
 * TwelveMonkeys' JPEG reader (on the class path, found by ImageIO's service loader ahead of the
 * JDK's) for every JPEG including CMYK and YCCK ones. The format is sniffed from the bytes,
 * not taken from the file name. The EXIF orientation is applied, so that pixels come out the
 * way a photo viewer shows them. Thread-safe: every call has its own reader.
 */
public final class ImageDecoder {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        ImageIO.setUseCache(false);  // decode in memory, never through temporary files
        ImageIO.scanForPlugins();  // TwelveMonkeys registers by service loader: found even if ImageIO started elsewhere
    }

    private ImageDecoder() {
    }

    /** An image's size as stored, before orientation, from its header alone. */
    public record Dimensions(int width, int height) {
    }

    /**
     * Decodes {@code file} into {@code channels} channels (1: grey, 3: RGB; see
     * {@link PixelConversion}), values in [0, 1], at its own size, orientation applied.
     *
     * @throws BadImageException when the file cannot be read or decoded
     */
    public static FloatImage decode(Path file, int channels) throws BadImageException {
        byte[] bytes = readAll(file);
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            image = withReader(file, in, reader -> reader.read(0));
        } catch (IOException e) {
            throw new BadImageException(file, "cannot be decoded: " + why(e), e);
        }
        FloatImage pixels = PixelConversion.toFloat(image, channels);
        return ExifOrientation.apply(pixels, ExifOrientation.of(bytes));
    }

    /**
     * Reads only the header: a cheap check that {@code file} is an image of a known format,
     * and its size.
     *
     * @throws BadImageException when the file cannot be read or is not such an image
     */
    public static Dimensions probe(Path file) throws BadImageException {
        if (!Files.isRegularFile(file)) {
            throw new BadImageException(file, "cannot be read: no such file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return withReader(file, in, reader -> new Dimensions(reader.getWidth(0), reader.getHeight(0)));
        } catch (IOException e) {
            throw new BadImageException(file, "cannot be read: " + why(e), e);
        }
    }

    private interface ReaderCall<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Path file, ImageInputStream in, ReaderCall<T> call) throws BadImageException {
        if (in == null) {
            throw new BadImageException(file, "cannot be read");
        }
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadImageException(file, "not an image of a known format (PNG, JPEG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return call.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO reports a corrupt stream by IOException or, from some plugins, by runtime exceptions
            throw new BadImageException(file, "cannot be decoded: " + why(e), e);
        }
    }

    private static byte[] readAll(Path file) throws BadImageException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw new BadImageException(file, "is empty");
            }
            return bytes;
        } catch (IOException e) {
            throw new BadImageException(file, "cannot be read: " + why(e), e);
        }
    }

    /**
     * Why a file failed, in words: ImageIO's exceptions often carry no message (a cut file is an
     * EOFException), and a plugin's runtime exception only an index ("-5").
     */
    private static String why(Exception e) {
        if (e instanceof EOFException) {
            return "it ends too early";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank() || e instanceof RuntimeException) {
            return "its data is damaged (" + e.getClass().getSimpleName() + ")";
        }
        return message.lines().findFirst().orElse(message);
    }
}
