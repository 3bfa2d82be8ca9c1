package dev.trainer.config;

import java.util.Locale;

/**
 * Synthetic minority samples: SMOTE with {@code neighbours} nearest neighbours per sample. Written
 * as {@code smote} or {@code smote:K} ({@code --augment}).
 */
public record Augmentation(int neighbours) implements OptionValue {

    /** Neighbours per sample when the spec gives none, as in the paper and imbalanced-learn. */
    public static final int DEFAULT_NEIGHBOURS = 5;

    /** @throws IllegalArgumentException for fewer than 1 neighbour */
    public Augmentation {
        if (neighbours < 1) {
            throw new IllegalArgumentException("--augment: SMOTE needs at least 1 neighbour, got " + neighbours);
        }
    }

    /**
     * Parses {@code smote} or {@code smote:K}.
     *
     * @throws IllegalArgumentException for another spec, or a K that is not a positive integer
     */
    public static Augmentation parse(String spec) {
        String s = spec.strip().toLowerCase(Locale.ROOT);
        if (s.equals("smote")) {
            return new Augmentation(DEFAULT_NEIGHBOURS);
        }
        if (!s.startsWith("smote:")) {
            throw new IllegalArgumentException("--augment '" + spec + "': unknown augmentation; use smote or smote:K");
        }
        try {
            return new Augmentation(Integer.parseInt(s.substring("smote:".length()).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--augment '" + spec + "': K must be a positive integer");
        }
    }

    /** {@code smote} with the default neighbours, else {@code smote:K}. */
    @Override
    public String spec() {
        return neighbours == DEFAULT_NEIGHBOURS ? "smote" : "smote:" + neighbours;
    }
}
