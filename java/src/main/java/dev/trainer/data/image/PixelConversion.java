package dev.trainer.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * A decoded image's pixels as floats in [0, 1], converted to the model's channels as Pillow's
 * {@code convert} does (which is what torchvision's {@code ImageFolder} loader calls):
 *
 * <ul>
 *   <li>1 channel: grey images keep their stored values; colour images become luma
 *       L = (19595 R + 38470 G + 7471 B + 2^15) >> 16 on 8-bit values (ITU-R 601-2, Pillow's
 *       integer formula).</li>
 *   <li>3 channels: grey is repeated into R, G and B; colour (palette, RGB, CMYK converted by
 *       the decoder) is taken as 8-bit sRGB.</li>
 * </ul>
 * Alpha is dropped, not composited, as {@code convert("RGB")} does. Grey samples are read from
 * the raster as stored: Java's own grey-to-RGB conversion would treat them as linear light and
 * brighten them.
 */
public final class PixelConversion {

    private PixelConversion() {
    }

    /**
     * @throws IllegalArgumentException for a channel count other than 1 or 3
     */
    public static FloatImage toFloat(BufferedImage image, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images convert to 1 (grey) or 3 (RGB) channels, not " + channels);
        }
        int width = image.getWidth();
        int height = image.getHeight();
        float[] out = new float[channels * width * height];
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster raster = image.getRaster();
            float max = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
            float[] grey = raster.getSamples(0, 0, width, height, 0, (float[]) null);
            for (int i = 0; i < grey.length; i++) {
                for (int c = 0; c < channels; c++) {
                    out[c * grey.length + i] = grey[i] / max;
                }
            }
            return new FloatImage(channels, height, width, out);
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            int r = (argb[i] >> 16) & 0xFF;
            int g = (argb[i] >> 8) & 0xFF;
            int b = argb[i] & 0xFF;
            if (channels == 1) {
                out[i] = ((19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16) / 255f;
            } else {
                out[i] = r / 255f;
                out[plane + i] = g / 255f;
                out[2 * plane + i] = b / 255f;
            }
        }
        return new FloatImage(channels, height, width, out);
    }
}
