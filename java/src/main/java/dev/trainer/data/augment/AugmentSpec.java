package dev.trainer.data.augment;

import dev.trainer.data.image.ImageAugmentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code --augment} value, parsed: a comma-separated list of items {@code NAME[:ARG]}, in any
 * order, each at most once. Image items ({@code flip}, {@code crop}, {@code crop:PAD},
 * {@code rotate:DEG}, {@code color:J}, {@code erase:P}) make an {@link ImageAugmentation};
 * {@code smote} or {@code smote:K} asks for SMOTE on tabular data. Both kinds share one grammar
 * so that one option serves every data type; which items fit is for the data to say (images
 * take no SMOTE, tables no flips).
 *
 * @param image          the image augmentation, or null when no image item is given
 * @param smoteNeighbours SMOTE's k, or 0 without {@code smote}
 */
public record AugmentSpec(ImageAugmentation image, int smoteNeighbours) {

    private static final String GRAMMAR = "flip, crop, crop:PAD, rotate:DEG, color:J, erase:P, smote or smote:K";

    public AugmentSpec {
        if (smoteNeighbours < 0) {
            throw new IllegalArgumentException("SMOTE needs at least 1 neighbour, got " + smoteNeighbours);
        }
    }

    /**
     * Parses the {@code --augment} value.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad item
     */
    public static AugmentSpec parse(String spec) {
        boolean flip = false;
        boolean resizedCrop = false;
        int pad = 0;
        double rotate = 0;
        double color = 0;
        double erase = 0;
        int smote = 0;
        Set<String> seen = new HashSet<>();
        for (String raw : spec.split(",", -1)) {
            String item = raw.strip().toLowerCase(Locale.ROOT);
            int colon = item.indexOf(':');
            String name = colon < 0 ? item : item.substring(0, colon).strip();
            String arg = colon < 0 ? null : item.substring(colon + 1).strip();
            if (!seen.add(name)) {
                throw new IllegalArgumentException("--augment '" + spec + "': '" + name + "' is given twice");
            }
            switch (name) {
                case "flip" -> flip = noArgument(spec, name, arg);
                case "crop" -> {
                    resizedCrop = arg == null;
                    pad = arg == null ? 0 : positiveInt(spec, name, arg, "PAD, the padding in pixels");
                }
                case "rotate" -> rotate = number(spec, name, arg, "DEG, the largest angle in degrees", 0, 180);
                case "color" -> color = number(spec, name, arg, "J, the brightness and contrast jitter", 0, 1);
                case "erase" -> erase = number(spec, name, arg, "P, the erasing probability", 0, 1);
                case "smote" -> smote = arg == null ? Smote.DEFAULT_K
                        : positiveInt(spec, name, arg, "K, the number of neighbours");
                default -> throw new IllegalArgumentException("--augment '" + spec + "': unknown item '" + raw.strip()
                        + "'; use " + GRAMMAR);
            }
        }
        boolean anyImage = flip || resizedCrop || pad > 0 || rotate > 0 || color > 0 || erase > 0;
        return new AugmentSpec(anyImage ? new ImageAugmentation(flip, resizedCrop, pad, rotate, color, erase) : null, smote);
    }

    /** Whether {@code smote} was asked for. */
    public boolean smote() {
        return smoteNeighbours > 0;
    }

    /** The items again, in canonical order: image items, then {@code smote:K}. */
    @Override
    public String toString() {
        List<String> items = new ArrayList<>();
        if (image != null) {
            items.add(image.toString());
        }
        if (smote()) {
            items.add("smote:" + smoteNeighbours);
        }
        return String.join(",", items);
    }

    private static boolean noArgument(String spec, String name, String arg) {
        if (arg != null) {
            throw new IllegalArgumentException("--augment '" + spec + "': '" + name + "' takes no value");
        }
        return true;
    }

    private static int positiveInt(String spec, String name, String arg, String what) {
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

    private static double number(String spec, String name, String arg, String what, double min, double max) {
        if (arg == null) {
            throw new IllegalArgumentException("--augment '" + spec + "': '" + name + "' needs " + what);
        }
        try {
            double value = Double.parseDouble(arg);
            if (value > min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException("--augment '" + spec + "': " + name + ":" + arg + " needs " + what
                + " in (" + number(min) + ", " + number(max) + "]");
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
