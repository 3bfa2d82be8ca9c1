package dev.trainer.data;

import dev.trainer.config.ImageConfig;
import java.util.List;
import java.util.Objects;

/**
 * How images are read into a model's input: the run's image settings and, for data other than
 * the training data, the training data's class names.
 *
 * @param settings     the size, normalization, broken-file policy and decoding threads
 * @param knownClasses the training data's class names by id, which a validation or test
 *                     folder's class folders (or a manifest's names) must be among; null when
 *                     reading the training data, which defines them
 */
public record ImageOptions(ImageConfig settings, List<String> knownClasses) {

    /** The default settings, for training data. */
    public static final ImageOptions DEFAULT = new ImageOptions(ImageConfig.DEFAULT, null);

    public ImageOptions {
        Objects.requireNonNull(settings, "settings");
        knownClasses = knownClasses == null ? null : List.copyOf(knownClasses);
    }

    /** For the training data: its folders or labels define the class names. */
    public static ImageOptions training(ImageConfig settings) {
        return new ImageOptions(settings, null);
    }

    /** The same settings for data that must use {@code training}'s classes. */
    public ImageOptions following(ImageDataset training) {
        return new ImageOptions(settings, training.classNames());
    }
}
