package dev.trainer.data.image;

import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a decoded image becomes a model input sample: converted to the model's channels (by the
 * decoder), resized to its height and width with antialiased bilinear filtering
 * ({@link Resize}), pixels scaled to [0, 1], then (x − mean) / std per channel; float32, CHW.
 * The same steps as torchvision's {@code ToTensor()}, {@code Resize((h, w), antialias=True)}
 * and {@code Normalize(mean, std)}.
 *
 * <p>Recorded with the run ({@link #describe()}) so that a service can repeat it. The
 * normalization is a per-channel affine map, so it can also move into the exported model as
 * its first nodes ({@link #affineShape()}, {@link #mean()}, {@link #std()}), which then takes
 * [0, 1] pixels.
 *
 * @param normalization one mean and std, or one per channel; kept per channel
 */
public record ImagePreprocessing(int channels, int height, int width, ImageNormalization normalization) {

    /** What {@link #describe()} says of the resize, for a reader who must repeat it. */
    public static final String RESIZE = "bilinear, antialiased, half-pixel centres"
            + " (PIL BILINEAR; torch interpolate(mode='bilinear', align_corners=False, antialias=True))";

    public ImagePreprocessing {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image inputs have 1 (grey) or 3 (RGB) channels, not " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size " + height + "x" + width);
        }
        normalization = new ImageNormalization(normalization.meanFor(channels), normalization.stdFor(channels));
    }

    /**
     * The preprocessing for a model input of sample shape {@code [C, H, W]}: its channels and
     * size, where a dynamic height or width (−1) takes {@code size}.
     *
     * @param size          the size for a model whose input size is dynamic, else null; when the
     *                      model's size is static it must agree
     * @param normalization one value or one per channel
     * @throws IllegalArgumentException with a one-line message when the shape is not an image's
     *                                  or the size is missing or disagrees
     */
    public static ImagePreprocessing forInput(String input, long[] sampleShape, ImageSize size,
                                              ImageNormalization normalization) {
        if (sampleShape.length != 3 || sampleShape[0] != 1 && sampleShape[0] != 3) {
            throw new IllegalArgumentException("input '" + input + "' of sample shape " + Arrays.toString(sampleShape)
                    + " does not take images: they need [C, H, W] with C = 1 or 3");
        }
        int[] given = size == null ? null : new int[] {size.height(), size.width()};
        int[] hw = new int[2];
        for (int a = 0; a < 2; a++) {
            long dim = sampleShape[a + 1];
            if (dim < 0 && given == null) {
                throw new IllegalArgumentException("input '" + input + "' has a dynamic " + (a == 0 ? "height" : "width")
                        + "; give the image size (--image-size)");
            }
            if (dim >= 0 && given != null && given[a] != dim) {
                throw new IllegalArgumentException("the image size " + given[0] + "x" + given[1] + " disagrees with input '"
                        + input + "', which takes " + sampleShape[1] + "x" + sampleShape[2]);
            }
            hw[a] = dim >= 0 ? (int) dim : given[a];
        }
        return new ImagePreprocessing((int) sampleShape[0], hw[0], hw[1], normalization);
    }

    /**
     * A decoded image (of this many channels, any size) as a model sample, with the training
     * augmentation applied when one is given.
     *
     * @param augmentation null for none (validation, prediction)
     * @param random       the sample's generator ({@link Augmenter#random}); unused without augmentation
     */
    public FloatImage apply(FloatImage decoded, Augmenter augmentation, SplittableRandom random) {
        if (decoded.channels() != channels) {
            throw new IllegalArgumentException("a " + decoded.channels() + "-channel image for a " + channels
                    + "-channel input");
        }
        FloatImage image = augmentation == null ? decoded : augmentation.beforeResize(decoded, random);
        image = Resize.resize(image, height, width);
        if (augmentation != null) {
            image = augmentation.afterResize(image, random);
        }
        image = normalize(image);
        return augmentation == null ? image : augmentation.afterNormalize(image, random);
    }

    private FloatImage normalize(FloatImage image) {
        float[] mean = mean();
        float[] std = std();
        float[] out = image.values().clone();
        int plane = image.planeSize();
        for (int c = 0; c < channels; c++) {
            if (mean[c] == 0 && std[c] == 1) {
                continue;
            }
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = (out[i] - mean[c]) / std[c];
            }
        }
        return new FloatImage(channels, height, width, out);
    }

    /** The sample shape the normalization constants take in a model, {@code [C, 1, 1]}: they broadcast over pixels. */
    public long[] affineShape() {
        return new long[] {channels, 1, 1};
    }

    /** Whether the normalization does anything, i.e. anything would need baking into a model. */
    public boolean normalizes() {
        float[] mean = mean();
        float[] std = std();
        for (int c = 0; c < channels; c++) {
            if (mean[c] != 0 || std[c] != 1) {
                return true;
            }
        }
        return false;
    }

    /** The steps and their numbers, for run.json and the exported model's metadata. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("channels", channels);
        d.put("height", height);
        d.put("width", width);
        d.put("layout", "NCHW float32");
        d.put("channel_conversion", channels == 1 ? "luma (PIL convert('L'))" : "RGB (PIL convert('RGB'))");
        d.put("resize", RESIZE);
        d.put("scale", "pixel / 255 (8-bit), to [0, 1]");
        d.put("mean", floats(mean()));
        d.put("std", floats(std()));
        return d;
    }

    private static double[] floats(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.parseDouble(Float.toString(values[i]));  // 0.485, not 0.48500001430511475
        }
        return out;
    }

    /** The means, one per channel. */
    public float[] mean() {
        return normalization.mean();
    }

    /** The standard deviations, one per channel. */
    public float[] std() {
        return normalization.std();
    }
}
