package dev.trainer.config;

import java.util.List;

/**
 * Penalties on the parameters, beside the optimizer's weight decay.
 *
 * @param l1            L1 penalties ({@code --l1}): at most one plain value, and pattern overrides
 * @param l2            L2 penalties ({@code --l2}), likewise; both together make an elastic net
 * @param regularizeAll also decay and penalize biases and normalization parameters ({@code --regularize-all})
 */
public record RegularizationConfig(List<Penalty> l1, List<Penalty> l2, boolean regularizeAll) {

    /** No penalties. */
    public static final RegularizationConfig DEFAULT = new RegularizationConfig(List.of(), List.of(), false);

    /** @throws IllegalArgumentException for two plain values of one penalty */
    public RegularizationConfig {
        l1 = List.copyOf(l1);
        l2 = List.copyOf(l2);
        requireOnePlain("--l1", l1);
        requireOnePlain("--l2", l2);
    }

    private static void requireOnePlain(String option, List<Penalty> penalties) {
        List<Penalty> plain = penalties.stream().filter(Penalty::plain).toList();
        if (plain.size() > 1) {
            throw new IllegalArgumentException(option + " has two plain values (" + plain.get(0).spec() + " and "
                    + plain.get(1).spec() + "); give one, and PATTERN=VALUE for the rest");
        }
    }
}
