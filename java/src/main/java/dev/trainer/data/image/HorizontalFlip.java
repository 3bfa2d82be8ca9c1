package dev.trainer.data.image;

/** The mirror image, left to right (torchvision's {@code hflip}). */
final class HorizontalFlip {

    private HorizontalFlip() {
    }

    static FloatImage apply(FloatImage image) {
        int w = image.width();
        float[] in = image.values();
        float[] out = new float[in.length];
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w; x++) {
                out[base + x] = in[base + w - 1 - x];
            }
        }
        return new FloatImage(image.channels(), image.height(), w, out);
    }
}
