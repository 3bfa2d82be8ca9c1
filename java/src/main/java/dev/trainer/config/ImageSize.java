package dev.trainer.config;

import java.util.Locale;

/**
 * The height and width images are resized to when the model's input size is dynamic
 * ({@code --image-size}): {@code N} for a square, or {@code HxW}.
 */
public record ImageSize(int height, int width) implements OptionValue {

    /** @throws IllegalArgumentException for a side below 1 pixel */
    public ImageSize {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("--image-size needs positive sides, got " + height + "x" + width);
        }
    }

    /**
     * Parses {@code N} or {@code HxW}.
     *
     * @throws IllegalArgumentException with a one-line message for anything else
     */
    public static ImageSize parse(String spec) {
        String[] parts = spec.strip().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            int height = Integer.parseInt(parts[0].strip());
            int width = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : height;
            if (parts.length <= 2 && height >= 1 && width >= 1) {
                return new ImageSize(height, width);
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException("--image-size '" + spec
                + "': use N or HxW, positive integers (e.g. 224 or 224x160)");
    }

    /** {@code N} for a square, else {@code HxW}. */
    @Override
    public String spec() {
        return height == width ? Integer.toString(height) : height + "x" + width;
    }
}
