package dev.trainer.data.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The EXIF orientation tag (1-8) of a photo, read with metadata-extractor, and the transform
 * that turns the pixels as stored into the picture as meant (Pillow's {@code exif_transpose}):
 * 2 mirrors left-right, 3 rotates 180°, 4 mirrors top-bottom, 5 transposes, 6 rotates 90°
 * clockwise, 7 transverses, 8 rotates 90° counter-clockwise.
 */
public final class ExifOrientation {

    /** Pixels are stored as shown. */
    public static final int NORMAL = 1;

    private ExifOrientation() {
    }

    /** The orientation in the file's EXIF data; {@link #NORMAL} when there is none or it cannot be read. */
    public static int of(byte[] file) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(file), file.length);
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            Integer value = exif == null ? null : exif.getInteger(ExifDirectoryBase.TAG_ORIENTATION);
            return value != null && value >= 1 && value <= 8 ? value : NORMAL;
        } catch (ImageProcessingException | IOException | RuntimeException unreadable) {
            // metadata is advisory: a file ImageIO decodes but whose EXIF block is damaged shows as stored
            return NORMAL;
        }
    }

    /** The image as it is meant to be seen, given its stored pixels and orientation tag. */
    public static FloatImage apply(FloatImage stored, int orientation) {
        if (orientation == NORMAL) {
            return stored;
        }
        boolean swap = orientation >= 5;
        int w = stored.width();
        int h = stored.height();
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        float[] out = new float[stored.values().length];
        for (int c = 0; c < stored.channels(); c++) {
            int base = c * w * h;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    int source = switch (orientation) {
                        case 2 -> y * w + (w - 1 - x);
                        case 3 -> (h - 1 - y) * w + (w - 1 - x);
                        case 4 -> (h - 1 - y) * w + x;
                        case 5 -> x * w + y;
                        case 6 -> (h - 1 - x) * w + y;
                        case 7 -> (h - 1 - x) * w + (w - 1 - y);
                        case 8 -> x * w + (w - 1 - y);
                        default -> throw new IllegalArgumentException("EXIF orientation " + orientation);
                    };
                    out[base + y * outW + x] = stored.values()[base + source];
                }
            }
        }
        return new FloatImage(stored.channels(), outH, outW, out);
    }
}
