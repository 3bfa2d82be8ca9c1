package dev.trainer.config;

import java.util.Locale;

/**
 * A classification head to attach: {@code classes} outputs after {@code pooling}. Written on the
 * command line as {@code classify:N[:pool=mean|cls]}; pooling defaults to {@link Pooling#MEAN}.
 *
 * @param classes the number of logits per sample, at least 1
 */
public record HeadSpec(int classes, Pooling pooling) implements OptionValue {

    private static final String FORM = "expected classify:N[:pool=mean|cls] with N a positive integer";

    /** @throws IllegalArgumentException for fewer than 1 class or no pooling */
    public HeadSpec {
        if (classes < 1) {
            throw new IllegalArgumentException("a head needs at least 1 class, not " + classes);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("a head needs a pooling");
        }
    }

    /**
     * Parses {@code classify:N[:pool=mean|cls]}, the {@code --head} value.
     *
     * @throws IllegalArgumentException with a one-line message naming the spec and the expected form
     */
    public static HeadSpec parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || !parts[0].equals("classify")) {
            throw bad(spec);
        }
        int classes;
        try {
            classes = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw bad(spec);
        }
        if (classes < 1) {
            throw bad(spec);
        }
        Pooling pooling = Pooling.MEAN;
        if (parts.length == 3) {
            if (!parts[2].startsWith("pool=")) {
                throw bad(spec);
            }
            pooling = switch (parts[2].substring("pool=".length()).toLowerCase(Locale.ROOT)) {
                case "mean" -> Pooling.MEAN;
                case "cls" -> Pooling.CLS;
                default -> throw bad(spec);
            };
        }
        return new HeadSpec(classes, pooling);
    }

    private static IllegalArgumentException bad(String spec) {
        return new IllegalArgumentException("--head '" + spec + "': " + FORM);
    }

    @Override
    public String spec() {
        return "classify:" + classes + ":pool=" + pooling.name().toLowerCase(Locale.ROOT);
    }
}
