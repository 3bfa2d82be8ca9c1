package dev.trainer.cli;

import dev.trainer.config.ImageConfig;
import dev.trainer.config.ImageNormalization;
import dev.trainer.config.ImageSize;
import picocli.CommandLine.Option;

/** How images (a folder DIR/CLASS/*.png|jpg|jpeg|bmp|gif, a path,label manifest, one image) become inputs. */
final class ImageSection implements OptionSection {

    @Option(names = "--image-size", paramLabel = "N|HxW", converter = Converters.Size.class,
            description = "Resize to this when the model's size is dynamic.")
    ImageSize size;

    @Option(names = "--image-normalize", paramLabel = "SPEC", converter = Converters.ImageNormalize.class,
            description = "imagenet, none (default) or MEAN,STD of [0, 1] pixels; baked into the export.")
    ImageNormalization normalize;

    @Option(names = "--image-mean", paramLabel = "M[,M,M]", description = "Per-channel means (with --image-std).")
    String mean;

    @Option(names = "--image-std", paramLabel = "S[,S,S]", description = "Per-channel std devs (with --image-mean).")
    String std;

    @Option(names = "--skip-bad-images", description = "Skip and count images that cannot be decoded.")
    boolean skipBad;

    @Option(names = "--decode-threads", paramLabel = "N",
            description = "Image decoding threads (0: one per core).")
    int decodeThreads;

    @Override
    public String heading() {
        return "Images";
    }

    /**
     * The image settings.
     *
     * @throws IllegalArgumentException for --image-mean without --image-std (or the other way), or both with --image-normalize
     */
    ImageConfig toConfig() {
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("give --image-mean and --image-std together");
        }
        if (mean != null && normalize != null) {
            throw new IllegalArgumentException("give either --image-normalize or --image-mean/--image-std, not both");
        }
        ImageNormalization normalization = mean != null ? ImageNormalization.of(mean, std)
                : normalize != null ? normalize : ImageNormalization.NONE;
        return new ImageConfig(size, normalization, skipBad, decodeThreads);
    }
}
