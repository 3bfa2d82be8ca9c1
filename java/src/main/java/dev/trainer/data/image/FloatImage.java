package dev.trainer.data.image;

/**
 * An image as float values, channel after channel, each channel row after row (CHW, as a
 * model's {@code [C, H, W]} sample). The array is handed over, not copied: whoever makes an
 * image gives up its array, and each operation here returns a new image rather than changing
 * its input.
 */
public record FloatImage(int channels, int height, int width, float[] values) {

    public FloatImage {
        if (channels < 1 || height < 1 || width < 1 || values.length != (long) channels * height * width) {
            throw new IllegalArgumentException(values.length + " values for a " + channels + "x" + height + "x" + width
                    + " image");
        }
    }

    /** A black image of that size. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[channels * height * width]);
    }

    /** The value of channel {@code c} at row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return values[(c * height + y) * width + x];
    }

    /** The region of {@code height} x {@code width} pixels whose top-left corner is at row {@code top}, column {@code left}. */
    public FloatImage crop(int top, int left, int height, int width) {
        if (top < 0 || left < 0 || height < 1 || width < 1 || top + height > this.height || left + width > this.width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " region at (" + top + ", " + left
                    + ") is not inside a " + this.height + "x" + this.width + " image");
        }
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(values, (c * this.height + top + y) * this.width + left, out, (c * height + y) * width,
                        width);
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    /** Values in one channel. */
    public int planeSize() {
        return height * width;
    }
}
