package dev.trainer.data.image;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop} region: a random part of the image covering 8-100 %
 * of its area with an aspect ratio between 3/4 and 4/3 (log-uniform), at a random place; after
 * ten failed draws, the largest centred region within those ratios. The caller resizes the
 * region to the model's size.
 */
final class RandomResizedCrop {

    private static final double MIN_AREA = 0.08;
    private static final double MAX_AREA = 1.0;
    private static final double MIN_RATIO = 3.0 / 4;
    private static final double MAX_RATIO = 4.0 / 3;
    private static final int ATTEMPTS = 10;

    private RandomResizedCrop() {
    }

    static FloatImage apply(FloatImage image, SplittableRandom random) {
        int height = image.height();
        int width = image.width();
        double area = (double) height * width;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = area * random.nextDouble(MIN_AREA, MAX_AREA);
            double ratio = Math.exp(random.nextDouble(Math.log(MIN_RATIO), Math.log(MAX_RATIO)));
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                return image.crop(random.nextInt(height - h + 1), random.nextInt(width - w + 1), h, w);
            }
        }
        double ratio = (double) width / height;
        int w = width;
        int h = height;
        if (ratio < MIN_RATIO) {
            h = Math.min(height, (int) Math.round(w / MIN_RATIO));
        } else if (ratio > MAX_RATIO) {
            w = Math.min(width, (int) Math.round(h * MAX_RATIO));
        }
        return image.crop((height - h) / 2, (width - w) / 2, h, w);
    }
}
