package dev.trainer.data.image;

import java.util.SplittableRandom;

/**
 * A small random rotation about the image centre, the angle uniform in [−max, max] degrees,
 * sampled bilinearly; corners that come from outside the image are black (torchvision's
 * {@code RandomRotation} with bilinear interpolation and fill 0).
 */
final class Rotation {

    private Rotation() {
    }

    static FloatImage apply(FloatImage image, double maxDegrees, SplittableRandom random) {
        double angle = Math.toRadians(random.nextDouble(-maxDegrees, maxDegrees));
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        int h = image.height();
        int w = image.width();
        double cy = (h - 1) / 2.0;
        double cx = (w - 1) / 2.0;
        float[] out = new float[image.values().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // the source of each output pixel: the output position rotated back
                double sx = cos * (x - cx) + sin * (y - cy) + cx;
                double sy = -sin * (x - cx) + cos * (y - cy) + cy;
                for (int c = 0; c < image.channels(); c++) {
                    out[(c * h + y) * w + x] = bilinear(image, c, sy, sx);
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }

    /** The value at a fractional position, each of the four neighbours outside the image counting as 0. */
    private static float bilinear(FloatImage image, int c, double y, double x) {
        int y0 = (int) Math.floor(y);
        int x0 = (int) Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        return (float) (value(image, c, y0, x0) * (1 - fy) * (1 - fx) + value(image, c, y0, x0 + 1) * (1 - fy) * fx
                + value(image, c, y0 + 1, x0) * fy * (1 - fx) + value(image, c, y0 + 1, x0 + 1) * fy * fx);
    }

    private static float value(FloatImage image, int c, int y, int x) {
        return y < 0 || x < 0 || y >= image.height() || x >= image.width() ? 0 : image.get(c, y, x);
    }
}
