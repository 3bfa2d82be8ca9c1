package dev.trainer.config;

/**
 * How images (an image folder, a manifest of image paths, or one image) become model inputs.
 * Decoded images are converted to the model's channels, resized to its input size, scaled to
 * [0, 1] and normalized; the training augmentation is {@code --augment}'s image items.
 *
 * @param size           the size images are resized to when the model's input size is dynamic
 *                       ({@code --image-size}), or {@code null} to take the model's
 * @param normalization  per-channel (x − mean) / std after scaling ({@code --image-normalize},
 *                       {@code --image-mean}/{@code --image-std}); baked into the exported model
 * @param skipBadImages  leave out and count the files that cannot be decoded ({@code --skip-bad-images})
 *                       instead of failing on the first
 * @param decodeThreads  background threads decoding and augmenting images ({@code --decode-threads});
 *                       0 for one per core
 */
public record ImageConfig(ImageSize size, ImageNormalization normalization, boolean skipBadImages,
                          int decodeThreads) {

    /** The model's size, no normalization, broken images fail, one decoding thread per core. */
    public static final ImageConfig DEFAULT = new ImageConfig(null, ImageNormalization.NONE, false, 0);

    /** @throws IllegalArgumentException for no normalization or a negative thread count */
    public ImageConfig {
        if (normalization == null) {
            throw new IllegalArgumentException("--image-normalize: give none for no normalization");
        }
        if (decodeThreads < 0) {
            throw new IllegalArgumentException("--decode-threads must be >= 0 (0: one per core), got " + decodeThreads);
        }
    }

    /** The decoding threads to start: the configured count, or one per core. */
    public int threads() {
        return decodeThreads > 0 ? decodeThreads : Runtime.getRuntime().availableProcessors();
    }
}
