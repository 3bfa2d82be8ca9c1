package dev.trainer.data.image;

/**
 * Bilinear resizing with antialiasing: each output pixel is a triangle-filter average of the
 * input pixels under it, the triangle widened by the scale factor when shrinking, with
 * half-pixel centres. This is Pillow's {@code BILINEAR} and PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False, antialias=True)} (torchvision's
 * {@code Resize} with {@code antialias=True}); when enlarging it is plain bilinear
 * interpolation. Separable, in float32 as PyTorch computes it: along rows first, then down the
 * columns a whole row at a time (a loop the JIT vectorizes).
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
        float[] source = in.values();
        float[] across = new float[channels * in.height() * width];
        for (int row = 0; row < channels * in.height(); row++) {
            int inRow = row * in.width();
            int outRow = row * width;
            for (int x = 0; x < width; x++) {
                int start = inRow + columns.first[x];
                float sum = 0;
                for (int k = columns.offsets[x], end = columns.offsets[x + 1]; k < end; k++) {
                    sum += columns.weights[k] * source[start++];
                }
                across[outRow + x] = sum;
            }
        }
        float[] out = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int outRow = (c * height + y) * width;
                int inRow = (c * in.height() + rows.first[y]) * width;
                for (int k = rows.offsets[y], end = rows.offsets[y + 1]; k < end; k++, inRow += width) {
                    float w = rows.weights[k];
                    for (int x = 0; x < width; x++) {
                        out[outRow + x] += w * across[inRow + x];
                    }
                }
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    /**
     * Per output index i: the first input index it reads, {@code first[i]}, and the normalized
     * weights of the inputs from there on, {@code weights[offsets[i] .. offsets[i + 1])}.
     */
    private record Filter(int[] first, int[] offsets, float[] weights) {

        /** Weights as Pillow and PyTorch compute them for the bilinear (triangle) filter. */
        static Filter of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double support = scale >= 1 ? scale : 1;
            double invScale = scale >= 1 ? 1 / scale : 1;
            int[] first = new int[outSize];
            int[] offsets = new int[outSize + 1];
            float[] weights = new float[outSize * ((int) Math.ceil(2 * support) + 2)];
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
                first[i] = min;
                offsets[i + 1] = offsets[i] + w.length;
                for (int j = 0; j < w.length; j++) {
                    weights[offsets[i] + j] = total == 0 ? 0 : (float) (w[j] / total);
                }
            }
            return new Filter(first, offsets, weights);
        }
    }
}
