package dev.trainer.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * Per-channel normalization of [0, 1] pixels, x' = (x − mean) / std, as torchvision's
 * {@code Normalize} ({@code --image-normalize}, or {@code --image-mean} with {@code --image-std}).
 * A single mean and std apply to every channel.
 *
 * @param mean one value, or one per channel; copied in and out
 * @param std  as many values as {@code mean}, each positive; copied in and out
 */
public record ImageNormalization(float[] mean, float[] std) implements OptionValue {

    /** No normalization: pixels stay in [0, 1]. */
    public static final ImageNormalization NONE = new ImageNormalization(new float[] {0}, new float[] {1});

    /** The ImageNet statistics torchvision's pretrained models expect, for RGB. */
    public static final ImageNormalization IMAGENET = new ImageNormalization(new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f});

    public ImageNormalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(mean.length + " means and " + std.length + " standard deviations;"
                    + " give one of each, or one per channel");
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("an image standard deviation must be positive, got " + s);
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException("an image mean must be a finite number, got " + m);
            }
        }
    }

    /**
     * Parses the {@code --image-normalize} value: {@code imagenet}, {@code none}, {@code MEAN,STD}
     * for every channel, or the means of all channels followed by their standard deviations
     * ({@code M1,M2,M3,S1,S2,S3}).
     *
     * @throws IllegalArgumentException with a one-line message for anything else
     */
    public static ImageNormalization parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "imagenet" -> IMAGENET;
            case "none" -> NONE;
            default -> {
                float[] values = numbers(s, "--image-normalize");
                if (values.length % 2 != 0) {
                    throw new IllegalArgumentException("--image-normalize '" + spec
                            + "': use imagenet, none, MEAN,STD or the per-channel means then the standard deviations");
                }
                int half = values.length / 2;
                try {
                    yield new ImageNormalization(Arrays.copyOf(values, half), Arrays.copyOfRange(values, half,
                            values.length));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--image-normalize '" + spec + "': " + e.getMessage());
                }
            }
        };
    }

    /** {@code none}, {@code imagenet}, or the means then the standard deviations, comma-separated. */
    @Override
    public String spec() {
        if (equals(NONE)) {
            return "none";
        }
        if (equals(IMAGENET)) {
            return "imagenet";
        }
        StringBuilder s = new StringBuilder();
        for (float[] values : new float[][] {mean, std}) {
            for (float v : values) {
                s.append(s.isEmpty() ? "" : ",").append(v);
            }
        }
        return s.toString();
    }

    /**
     * From {@code --image-mean} and {@code --image-std}: comma-separated numbers, one or one per
     * channel each.
     *
     * @throws IllegalArgumentException with a one-line message when they are not numbers or disagree
     */
    public static ImageNormalization of(String mean, String std) {
        try {
            return new ImageNormalization(numbers(mean, "--image-mean"), numbers(std, "--image-std"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("--") ? e.getMessage()
                    : "--image-mean/--image-std: " + e.getMessage());
        }
    }

    /** The means, one per channel. */
    public float[] meanFor(int channels) {
        return expand(mean, channels);
    }

    /** The standard deviations, one per channel. */
    public float[] stdFor(int channels) {
        return expand(std, channels);
    }

    private static float[] expand(float[] values, int channels) {
        if (values.length == channels) {
            return values.clone();
        }
        if (values.length != 1) {
            throw new IllegalArgumentException("image normalization has " + values.length + " values per statistic,"
                    + " but the model's images have " + channels + " channel" + (channels == 1 ? "" : "s"));
        }
        float[] out = new float[channels];
        Arrays.fill(out, values[0]);
        return out;
    }

    private static float[] numbers(String list, String option) {
        String[] parts = list.split(",", -1);
        float[] values = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Float.parseFloat(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " '" + list + "': '" + parts[i].strip() + "' is not a number");
            }
        }
        return values;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ImageNormalization that && Arrays.equals(mean, that.mean) && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return spec();
    }
}
