package dev.trainer.config;

/**
 * The shape of LoRA adapters (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language
 * Models"): beside a weight W, a rank-{@code rank} product A·B whose output is scaled by
 * {@code alpha / rank}, with {@code dropout} on the adapter's input while training. Written on
 * the command line as {@code R[:ALPHA[:DROPOUT]]}; ALPHA defaults to R (a scale of 1) and
 * DROPOUT to 0, Hugging Face PEFT's defaults.
 *
 * @param rank    the inner dimension of A·B, at least 1
 * @param alpha   the scale's numerator, above zero
 * @param dropout the probability of zeroing an adapter input element in training, in [0, 1)
 */
public record LoraSpec(int rank, double alpha, double dropout) implements OptionValue {

    private static final String FORM = "expected R[:ALPHA[:DROPOUT]], R a positive integer, ALPHA above 0,"
            + " DROPOUT in [0, 1)";

    /** @throws IllegalArgumentException for a rank below 1, an alpha not above zero or a dropout outside [0, 1) */
    public LoraSpec {
        if (rank < 1) {
            throw new IllegalArgumentException("--lora: the rank must be at least 1, not " + rank);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("--lora: alpha must be above zero, not " + alpha);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("--lora: the dropout must be in [0, 1), not " + dropout);
        }
    }

    /**
     * Parses {@code R[:ALPHA[:DROPOUT]]}, the {@code --lora} value.
     *
     * @throws IllegalArgumentException with one line naming the option, the value and the expected form
     */
    public static LoraSpec parse(String spec) {
        String[] parts = spec.strip().split(":", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("--lora '" + spec + "': " + FORM);
        }
        int rank;
        try {
            rank = Integer.parseInt(parts[0].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--lora '" + spec + "': the rank '" + parts[0] + "' is not a whole number; " + FORM);
        }
        double alpha = parts.length > 1 ? Specs.number("--lora", spec, parts[1]) : rank;
        double dropout = parts.length > 2 ? Specs.number("--lora", spec, parts[2]) : 0;
        return new LoraSpec(rank, alpha, dropout);
    }

    /** What the adapter's product is multiplied by: {@code alpha / rank}. */
    public double scale() {
        return alpha / rank;
    }

    @Override
    public String spec() {
        return rank + ":" + Specs.format(alpha) + ":" + Specs.format(dropout);
    }
}
