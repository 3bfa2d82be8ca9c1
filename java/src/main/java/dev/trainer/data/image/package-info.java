/**
 * Pixels, from an image file to a model's input sample: decoding ({@link dev.trainer.data.image.ImageDecoder},
 * with EXIF orientation), channel conversion, resizing ({@link dev.trainer.data.image.Resize}),
 * scaling and normalization ({@link dev.trainer.data.image.ImagePreprocessing}), and the
 * training-time augmentations ({@link dev.trainer.data.image.Augmenter}).
 *
 * <p>Works on one image at a time in {@link dev.trainer.data.image.FloatImage}s and keeps no
 * state, so that any number of loader threads may call it at once. Data sets of images and
 * their batching live in {@code dev.trainer.data}.
 */
package dev.trainer.data.image;
