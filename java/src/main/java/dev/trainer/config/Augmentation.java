package dev.trainer.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code --augment} asks for, one grammar for every kind of data: a comma-separated list of
 * items {@code NAME[:ARG]}, in any order, each at most once. {@code smote} or {@code smote:K}
 * adds synthetic minority samples to tabular data (SMOTE with K nearest neighbours); the image
 * items {@code flip}, {@code crop}, {@code crop:PAD}, {@code rotate:DEG}, {@code color:J} and
 * {@code erase:P} change training images at random ({@link ImageAugmentation}). Which items fit
 * is for the data to say: images take no SMOTE, tables no flips.
 *
 * @param neighbours SMOTE's K, or 0 without {@code smote}
 * @param image      the image items; {@link #NO_IMAGE_CHANGES} for none
 */
public record Augmentation(int neighbours, ImageAugmentation image) implements OptionValue {

    /** Neighbours per sample when the spec gives none, as in the paper and imbalanced-learn. */
    public static final int DEFAULT_NEIGHBOURS = 5;

    /** No image item. */
    public static final ImageAugmentation NO_IMAGE_CHANGES = new ImageAugmentation(false, false, 0, 0, 0, 0);

    private static final String GRAMMAR = "flip, crop, crop:PAD, rotate:DEG, color:J, erase:P, smote or smote:K";

    /** @throws IllegalArgumentException for negative neighbours, or no item at all */
    public Augmentation {
        if (neighbours < 0) {
            throw new IllegalArgumentException("--augment: SMOTE needs at least 1 neighbour, got " + neighbours);
        }
        if (image == null) {
            image = NO_IMAGE_CHANGES;
        }
        if (neighbours == 0 && !image.any()) {
            throw new IllegalArgumentException("--augment: no augmentation given; use " + GRAMMAR);
        }
    }

    /** SMOTE alone, with {@code neighbours} neighbours. */
    public static Augmentation smote(int neighbours) {
        if (neighbours < 1) {
            throw new IllegalArgumentException("--augment: SMOTE needs at least 1 neighbour, got " + neighbours);
        }
        return new Augmentation(neighbours, NO_IMAGE_CHANGES);
    }

    /**
     * Parses the {@code --augment} value, e.g. {@code smote:3} or {@code flip,crop:4,rotate:10}.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad item
     */
    public static Augmentation parse(String spec) {
        Items items = new Items(spec);
        Set<String> seen = new HashSet<>();
        for (String raw : spec.split(",", -1)) {
            String item = raw.strip().toLowerCase(Locale.ROOT);
            int colon = item.indexOf(':');
            String name = colon < 0 ? item : item.substring(0, colon).strip();
            String arg = colon < 0 ? null : item.substring(colon + 1).strip();
            if (!seen.add(name)) {
                throw new IllegalArgumentException("--augment '" + spec + "': '" + name + "' is given twice");
            }
            items.read(name, arg, raw.strip());
        }
        return new Augmentation(items.smote, new ImageAugmentation(items.flip, items.resizedCrop, items.pad,
                items.rotate, items.color, items.erase));
    }

    /** Whether SMOTE is asked for. */
    public boolean smote() {
        return neighbours > 0;
    }

    /** The items in canonical order: the image items, then {@code smote} ({@code smote:K} for another K). */
    @Override
    public String spec() {
        List<String> all = new ArrayList<>(image.items());
        if (smote()) {
            all.add(neighbours == DEFAULT_NEIGHBOURS ? "smote" : "smote:" + neighbours);
        }
        return String.join(",", all);
    }

    /** The values of the items read so far. */
    private static final class Items {
        private final String spec;
        boolean flip;
        boolean resizedCrop;
        int pad;
        double rotate;
        double color;
        double erase;
        int smote;

        Items(String spec) {
            this.spec = spec;
        }

        void read(String name, String arg, String raw) {
            switch (name) {
                case "flip" -> flip = noArgument(name, arg);
                case "crop" -> {
                    resizedCrop = arg == null;
                    pad = arg == null ? 0 : positiveInt(name, arg, "PAD, the padding in pixels");
                }
                case "rotate" -> rotate = number(name, arg, "DEG, the largest angle in degrees", 180);
                case "color" -> color = number(name, arg, "J, the brightness and contrast jitter", 1);
                case "erase" -> erase = number(name, arg, "P, the erasing probability", 1);
                case "smote" -> smote = arg == null ? DEFAULT_NEIGHBOURS : positiveInt(name, arg, "K, the number of neighbours");
                default -> throw new IllegalArgumentException("--augment '" + spec + "': unknown item '" + raw
                        + "'; use " + GRAMMAR);
            }
        }

        private boolean noArgument(String name, String arg) {
            if (arg != null) {
                throw new IllegalArgumentException("--augment '" + spec + "': '" + name + "' takes no value");
            }
            return true;
        }

        private int positiveInt(String name, String arg, String what) {
            try {
                int value = Integer.parseInt(arg);
                if (value >= 1) {
                    return value;
                }
            } catch (NumberFormatException notAnInteger) {
                // the message below says what is wanted
            }
            throw new IllegalArgumentException("--augment '" + spec + "': " + name + ":" + arg + " needs " + what
                    + ", a positive integer");
        }

        /** A number in (0, max]. */
        private double number(String name, String arg, String what, double max) {
            if (arg == null) {
                throw new IllegalArgumentException("--augment '" + spec + "': '" + name + "' needs " + what);
            }
            try {
                double value = Double.parseDouble(arg);
                if (value > 0 && value <= max) {
                    return value;
                }
            } catch (NumberFormatException notANumber) {
                // the message below says what is wanted
            }
            throw new IllegalArgumentException("--augment '" + spec + "': " + name + ":" + arg + " needs " + what
                    + " in (0, " + Specs.format(max) + "]");
        }
    }
}
