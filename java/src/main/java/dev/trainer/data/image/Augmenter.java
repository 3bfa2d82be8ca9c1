package dev.trainer.data.image;

import dev.trainer.config.ImageAugmentation;
import java.util.SplittableRandom;

/**
 * Applies the image items of {@code --augment} to training images, each sample's changes drawn
 * from a generator seeded by (seed, epoch, sample), so that a sample looks the same in a rerun
 * whichever loader thread decodes it, and different from one epoch to the next. The order of
 * the steps is {@link ImageAugmentation}'s.
 *
 * @param items which changes, and how strong
 */
public record Augmenter(ImageAugmentation items) {

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
        return items.resizedCrop() ? RandomResizedCrop.apply(image, random) : image;
    }

    /** The changes made at the model's size, on [0, 1] pixels. */
    public FloatImage afterResize(FloatImage image, SplittableRandom random) {
        FloatImage out = image;
        if (items.cropPadding() > 0) {
            out = PaddedCrop.apply(out, items.cropPadding(), random);
        }
        if (items.flip() && random.nextBoolean()) {
            out = HorizontalFlip.apply(out);
        }
        if (items.rotateDegrees() > 0) {
            out = Rotation.apply(out, items.rotateDegrees(), random);
        }
        if (items.colorJitter() > 0) {
            out = ColorJitter.apply(out, items.colorJitter(), random);
        }
        return out;
    }

    /** The changes made to the normalized image: random erasing. */
    public FloatImage afterNormalize(FloatImage image, SplittableRandom random) {
        return items.eraseProbability() > 0 ? RandomErasing.apply(image, items.eraseProbability(), random) : image;
    }

    /** The items, as {@code --augment} writes them. */
    @Override
    public String toString() {
        return items.toString();
    }
}
