package dev.trainer.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Which random changes training images get, the image items of {@code --augment} (parsed there
 * by {@link Augmentation#parse}). In pipeline order:
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
 * @param rotateDegrees    largest rotation, in (0, 180]; 0 for none
 * @param colorJitter      J, in (0, 1]; 0 for none
 * @param eraseProbability P, in (0, 1]; 0 for none
 */
public record ImageAugmentation(boolean flip, boolean resizedCrop, int cropPadding, double rotateDegrees,
                                double colorJitter, double eraseProbability) {

    /** @throws IllegalArgumentException for both crops, or a value out of its range */
    public ImageAugmentation {
        if (resizedCrop && cropPadding > 0) {
            throw new IllegalArgumentException("--augment: crop is either random-resized (crop) or padded (crop:PAD),"
                    + " not both");
        }
        if (cropPadding < 0) {
            throw new IllegalArgumentException("--augment: crop padding must be a positive number of pixels, got "
                    + cropPadding);
        }
        if (!(rotateDegrees >= 0 && rotateDegrees <= 180)) {
            throw new IllegalArgumentException("--augment: rotation must be between 0 and 180 degrees, got "
                    + rotateDegrees);
        }
        if (!(colorJitter >= 0 && colorJitter <= 1)) {
            throw new IllegalArgumentException("--augment: color jitter must be between 0 and 1, got " + colorJitter);
        }
        if (!(eraseProbability >= 0 && eraseProbability <= 1)) {
            throw new IllegalArgumentException("--augment: erase probability must be between 0 and 1, got "
                    + eraseProbability);
        }
    }

    /** Whether any item is on. */
    public boolean any() {
        return flip || resizedCrop || cropPadding > 0 || rotateDegrees > 0 || colorJitter > 0 || eraseProbability > 0;
    }

    /** The {@code --augment} items that make this, e.g. {@code [flip, crop:4, rotate:10]}. */
    List<String> items() {
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
            items.add("rotate:" + Specs.format(rotateDegrees));
        }
        if (colorJitter > 0) {
            items.add("color:" + Specs.format(colorJitter));
        }
        if (eraseProbability > 0) {
            items.add("erase:" + Specs.format(eraseProbability));
        }
        return items;
    }

    /** The items as {@code --augment} writes them, e.g. {@code flip,crop:4,rotate:10}. */
    @Override
    public String toString() {
        return String.join(",", items());
    }
}
