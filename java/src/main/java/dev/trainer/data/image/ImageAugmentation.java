package dev.trainer.data.image;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random changes to training images, each drawn from a generator seeded by (seed, epoch,
 * sample), so that a sample looks the same in a rerun whichever loader thread decodes it, and
 * different from one epoch to the next. In pipeline order:
 *
 * <ol>
 *   <li>{@code crop}: a random-resized crop (torchvision's {@code RandomResizedCrop}), before the
 *       resize to the model's size; or {@code crop:PAD}: pad by PAD pixels and cut a random
 *       window of the model's size, after it;</li>
 *   <li>{@code flip}: mirror left to right with probability 1/2;</li>
 *   <li>{@code rotate:DEG}: rotate by a uniform angle in [−DEG, DEG];</li>
 *   <li>{@code color:J}: brightness and contrast factors uniform in [1 − J, 1 + J];</li>
 *   <li>{@code erase:P}: with probability P, erase a random rectangle after normalization.</li>
 * </ol>
 *
 * @param resizedCrop      random-resized crop before the resize
 * @param cropPadding      padded random crop by this many pixels after the resize; 0 for none
 * @param rotateDegrees    largest rotation; 0 for none
 * @param colorJitter      J; 0 for none
 * @param eraseProbability P; 0 for none
 */
public record ImageAugmentation(boolean flip, boolean resizedCrop, int cropPadding, double rotateDegrees,
                                double colorJitter, double eraseProbability) {

    public ImageAugmentation {
        if (resizedCrop && cropPadding > 0) {
            throw new IllegalArgumentException("crop is either random-resized (crop) or padded (crop:PAD), not both");
        }
        if (cropPadding < 0) {
            throw new IllegalArgumentException("crop padding must be a positive number of pixels, got " + cropPadding);
        }
        if (!(rotateDegrees >= 0 && rotateDegrees <= 180)) {
            throw new IllegalArgumentException("rotation must be between 0 and 180 degrees, got " + rotateDegrees);
        }
        if (!(colorJitter >= 0 && colorJitter <= 1)) {
            throw new IllegalArgumentException("color jitter must be between 0 and 1, got " + colorJitter);
        }
        if (!(eraseProbability >= 0 && eraseProbability <= 1)) {
            throw new IllegalArgumentException("erase probability must be between 0 and 1, got " + eraseProbability);
        }
    }

    /**
     * The generator for one sample in one epoch: the three numbers mixed (SplitMix64's finalizer)
     * into a seed, so that neighbouring samples and epochs get unrelated streams.
     */
    public static SplittableRandom random(long seed, int epoch, int sample) {
        long z = seed;
        z = mix(z + 0x9E3779B97F4A7C15L * (epoch + 1L));
        z = mix(z + 0x9E3779B97F4A7C15L * (sample + 1L));
        return new SplittableRandom(z);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The changes made to the decoded image at its own size: the random-resized crop. */
    public FloatImage beforeResize(FloatImage image, SplittableRandom random) {
        return resizedCrop ? RandomResizedCrop.apply(image, random) : image;
    }

    /** The changes made at the model's size, on [0, 1] pixels. */
    public FloatImage afterResize(FloatImage image, SplittableRandom random) {
        FloatImage out = image;
        if (cropPadding > 0) {
            out = PaddedCrop.apply(out, cropPadding, random);
        }
        if (flip && random.nextBoolean()) {
            out = HorizontalFlip.apply(out);
        }
        if (rotateDegrees > 0) {
            out = Rotation.apply(out, rotateDegrees, random);
        }
        if (colorJitter > 0) {
            out = ColorJitter.apply(out, colorJitter, random);
        }
        return out;
    }

    /** The changes made to the normalized image: random erasing. */
    public FloatImage afterNormalize(FloatImage image, SplittableRandom random) {
        return eraseProbability > 0 ? RandomErasing.apply(image, eraseProbability, random) : image;
    }

    /** The {@code --augment} items that make this, e.g. {@code flip,crop:4,rotate:10}. */
    @Override
    public String toString() {
        List<String> items = new ArrayList<>();
        if (flip) {
            items.add("flip");
        }
        if (resizedCrop) {
            items.add("crop");
        }
        if (cropPadding > 0) {
            items.add("crop:" + cropPadding);
        }
        if (rotateDegrees > 0) {
            items.add("rotate:" + number(rotateDegrees));
        }
        if (colorJitter > 0) {
            items.add("color:" + number(colorJitter));
        }
        if (eraseProbability > 0) {
            items.add("erase:" + number(eraseProbability));
        }
        return String.join(",", items);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
