package dev.trainer.data.image;

import java.util.SplittableRandom;

/**
 * Random brightness, then contrast, each by a factor uniform in [1 − J, 1 + J], as torchvision's
 * {@code ColorJitter(brightness=J, contrast=J)} does them: brightness scales the pixels,
 * contrast blends them with the mean grey level of the image; results are clipped to [0, 1].
 * Works on [0, 1] pixels, before normalization.
 */
final class ColorJitter {

    private ColorJitter() {
    }

    static FloatImage apply(FloatImage image, double strength, SplittableRandom random) {
        double brightness = Math.max(0, random.nextDouble(1 - strength, 1 + strength));
        double contrast = Math.max(0, random.nextDouble(1 - strength, 1 + strength));
        float[] out = image.values().clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = clip(out[i] * brightness);
        }
        double mean = meanGrey(new FloatImage(image.channels(), image.height(), image.width(), out));
        for (int i = 0; i < out.length; i++) {
            out[i] = clip(contrast * out[i] + (1 - contrast) * mean);
        }
        return new FloatImage(image.channels(), image.height(), image.width(), out);
    }

    /** The mean luma (0.2989 R + 0.587 G + 0.114 B, torchvision's weights), or the mean of a grey image. */
    private static double meanGrey(FloatImage image) {
        float[] v = image.values();
        int plane = image.planeSize();
        double sum = 0;
        for (int i = 0; i < plane; i++) {
            sum += image.channels() == 3 ? 0.2989 * v[i] + 0.587 * v[plane + i] + 0.114 * v[2 * plane + i] : v[i];
        }
        return sum / plane;
    }

    private static float clip(double value) {
        return (float) Math.min(1, Math.max(0, value));
    }
}
