package dev.trainer.data.image;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomCrop(size, padding=PAD)}: the image padded with PAD black pixels
 * on every side, and a window of its own size cut at a random offset, so that it shifts by up
 * to PAD pixels each way.
 */
final class PaddedCrop {

    private PaddedCrop() {
    }

    static FloatImage apply(FloatImage image, int pad, SplittableRandom random) {
        int dy = random.nextInt(2 * pad + 1) - pad;
        int dx = random.nextInt(2 * pad + 1) - pad;
        int h = image.height();
        int w = image.width();
        float[] out = new float[image.values().length];
        for (int c = 0; c < image.channels(); c++) {
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                int x0 = Math.max(0, -dx);
                int x1 = Math.min(w, w - dx);
                if (x1 > x0) {
                    System.arraycopy(image.values(), (c * h + sy) * w + x0 + dx, out, (c * h + y) * w + x0, x1 - x0);
                }
            }
        }
        return new FloatImage(image.channels(), h, w, out);
    }
}
