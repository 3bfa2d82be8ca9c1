package dev.trainer.data;

import dev.trainer.data.image.ImageNormalization;
import java.util.List;

/**
 * How images are read into a model's input: the size when the model's is dynamic, the
 * normalization, what to do with broken files, and, for data other than the training data, the
 * training data's class names.
 *
 * @param size          {@code {height, width}} for a model whose input size is dynamic, else null
 * @param normalization per-channel mean and std after scaling to [0, 1]
 * @param skipBadImages skip (and count) files that cannot be decoded instead of failing
 * @param knownClasses  the training data's class names by id, which a validation or test
 *                      folder's class folders (or a manifest's names) must be among; null when
 *                      reading the training data, which defines them
 * @param threads       decoding threads of each loader
 */
public record ImageOptions(int[] size, ImageNormalization normalization, boolean skipBadImages,
                           List<String> knownClasses, int threads) {

    /** The model's own size, no normalization, broken images fail, one thread per core. */
    public static final ImageOptions DEFAULT = new ImageOptions(null, ImageNormalization.NONE, false, null,
            Runtime.getRuntime().availableProcessors());

    public ImageOptions {
        if (size != null && (size.length != 2 || size[0] < 1 || size[1] < 1)) {
            throw new IllegalArgumentException("an image size is HEIGHT and WIDTH, both positive");
        }
        size = size == null ? null : size.clone();
        knownClasses = knownClasses == null ? null : List.copyOf(knownClasses);
        if (threads < 1) {
            throw new IllegalArgumentException("image loading needs at least 1 thread, got " + threads);
        }
    }

    /**
     * Parses the {@code --image-size} value: {@code N} (square) or {@code HxW}.
     *
     * @throws IllegalArgumentException with a one-line message for anything else
     */
    public static int[] parseSize(String spec) {
        String[] parts = spec.strip().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            int height = Integer.parseInt(parts[0].strip());
            int width = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : height;
            if (parts.length <= 2 && height >= 1 && width >= 1) {
                return new int[] {height, width};
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException("--image-size '" + spec + "': use N or HxW, positive integers (e.g. 224 or 224x160)");
    }

    /** The same options for data that must use {@code training}'s classes. */
    public ImageOptions following(ImageDataset training) {
        return new ImageOptions(size, normalization, skipBadImages, training.classNames(), threads);
    }

    @Override
    public int[] size() {
        return size == null ? null : size.clone();
    }
}
