package dev.trainer.data.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
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
        int plane = width * height;
        float[][] rgb = rgbPlanes(image);
        for (int i = 0; i < plane; i++) {
            if (channels == 1) {
                int luma = (19595 * (int) rgb[0][i] + 38470 * (int) rgb[1][i] + 7471 * (int) rgb[2][i] + 0x8000) >> 16;
                out[i] = luma / 255f;
            } else {
                out[i] = rgb[0][i] / 255f;
                out[plane + i] = rgb[1][i] / 255f;
                out[2 * plane + i] = rgb[2][i] / 255f;
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    /**
     * The 8-bit R, G and B values of every pixel, row-major: straight from the raster when the
     * image is stored as 8-bit sRGB components (JPEG, RGB PNG and BMP decode so), which is many
     * times faster than asking the colour model pixel by pixel; through {@code getRGB} otherwise
     * (palettes, 16-bit samples, other colour spaces).
     */
    private static float[][] rgbPlanes(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        boolean plainRgb = !(model instanceof IndexColorModel) && !model.isAlphaPremultiplied() && model.getColorSpace().isCS_sRGB()
                && model.getNumColorComponents() == 3 && raster.getNumBands() >= 3;
        for (int band = 0; plainRgb && band < 3; band++) {
            plainRgb = raster.getSampleModel().getSampleSize(band) == 8;
        }
        float[][] planes = new float[3][];
        if (plainRgb) {
            for (int band = 0; band < 3; band++) {
                planes[band] = raster.getSamples(0, 0, width, height, band, (float[]) null);
            }
            return planes;
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int band = 0; band < 3; band++) {
            planes[band] = new float[argb.length];
            int shift = 16 - 8 * band;
            for (int i = 0; i < argb.length; i++) {
                planes[band][i] = (argb[i] >> shift) & 0xFF;
            }
        }
        return planes;
    }
}
