package dev.trainer.data.image;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomErasing} with its defaults: with probability p, a random rectangle
 * of 2-33 % of the image's area, aspect ratio between 0.3 and 3.3 (log-uniform), set to 0 in
 * every channel. Works on the normalized image, where 0 is the mean colour.
 */
final class RandomErasing {

    private static final double MIN_AREA = 0.02;
    private static final double MAX_AREA = 0.33;
    private static final double MIN_RATIO = 0.3;
    private static final double MAX_RATIO = 3.3;
    private static final int ATTEMPTS = 10;

    private RandomErasing() {
    }

    static FloatImage apply(FloatImage image, double probability, SplittableRandom random) {
        if (random.nextDouble() >= probability) {
            return image;
        }
        int height = image.height();
        int width = image.width();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double target = (double) height * width * random.nextDouble(MIN_AREA, MAX_AREA);
            double ratio = Math.exp(random.nextDouble(Math.log(MIN_RATIO), Math.log(MAX_RATIO)));
            int h = (int) Math.round(Math.sqrt(target * ratio));
            int w = (int) Math.round(Math.sqrt(target / ratio));
            if (h < height && w < width) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                float[] out = image.values().clone();
                for (int c = 0; c < image.channels(); c++) {
                    for (int y = top; y < top + h; y++) {
                        java.util.Arrays.fill(out, (c * height + y) * width + left, (c * height + y) * width + left + w, 0f);
                    }
                }
                return new FloatImage(image.channels(), height, width, out);
            }
        }
        return image;
    }
}
