package dev.trainer.data.image;

/**
 * Bilinear resizing with antialiasing: each output pixel is a triangle-filter average of the
 * input pixels under it, the triangle widened by the scale factor when shrinking, with
 * half-pixel centres. This is Pillow's {@code BILINEAR} and PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False, antialias=True)} (torchvision's
 * {@code Resize} with {@code antialias=True}); when enlarging it is plain bilinear
 * interpolation. Separable: rows first, then columns.
 */
public final class Resize {

    private Resize() {
    }

    /** The image at {@code height} x {@code width}; the same image when it is that size already. */
    public static FloatImage resize(FloatImage in, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("cannot resize to " + height + "x" + width);
        }
        if (in.height() == height && in.width() == width) {
            return in;
        }
        Filter columns = Filter.of(in.width(), width);
        Filter rows = Filter.of(in.height(), height);
        int channels = in.channels();
        float[] across = new float[channels * in.height() * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < in.height(); y++) {
                int inRow = (c * in.height() + y) * in.width();
                int outRow = (c * in.height() + y) * width;
                for (int x = 0; x < width; x++) {
                    across[outRow + x] = columns.apply(x, in.values(), inRow, 1);
                }
            }
        }
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out[(c * height + y) * width + x] = rows.apply(y, across, c * in.height() * width + x, width);
                }
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    /**
     * Per output index, the first input index it reads and the normalized weights of the input
     * indices from there on.
     */
    private record Filter(int[] first, double[][] weights) {

        /** Weights as Pillow and PyTorch compute them for the bilinear (triangle) filter. */
        static Filter of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double support = scale >= 1 ? scale : 1;
            double invScale = scale >= 1 ? 1 / scale : 1;
            int[] first = new int[outSize];
            double[][] weights = new double[outSize][];
            for (int i = 0; i < outSize; i++) {
                double center = scale * (i + 0.5);
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize);
                double[] w = new double[max - min];
                double total = 0;
                for (int j = 0; j < w.length; j++) {
                    w[j] = Math.max(0, 1 - Math.abs((j + min - center + 0.5) * invScale));
                    total += w[j];
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] = total == 0 ? 0 : w[j] / total;
                }
                first[i] = min;
                weights[i] = w;
            }
            return new Filter(first, weights);
        }

        /** Σ weight · value over output index {@code i}'s inputs, read at {@code offset + k · stride}. */
        float apply(int i, float[] values, int offset, int stride) {
            double[] w = weights[i];
            int start = offset + first[i] * stride;
            double sum = 0;
            for (int k = 0; k < w.length; k++) {
                sum += w[k] * values[start + k * stride];
            }
            return (float) sum;
        }
    }
}
