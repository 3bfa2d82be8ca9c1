package dev.trainer.train.params;

import java.util.List;

/**
 * Per-parameter optimizer settings as the command line gives them; {@link ParameterGroups#of}
 * parses the specs and resolves them per parameter.
 *
 * <p>Spec grammars ({@code PATTERN} as in {@link ParameterPattern}; a spec splits at its last
 * {@code =}; values are decimal numbers such as {@code 0.01} or {@code 1e-3}):
 * <ul>
 *   <li>{@code --lr-group PATTERN=X}: learning rate X for the matching parameters;
 *       {@code PATTERN=xF} (or {@code XF}) multiplies their learning rate by F instead.
 *       Repeatable; the first matching spec wins.</li>
 *   <li>{@code --l1 X}, {@code --l2 X}: the penalty weight for every parameter;
 *       {@code --l1 PATTERN=X}, {@code --l2 PATTERN=X}: for the matching ones, the first
 *       matching spec winning over the plain value. Both together make an elastic net.</li>
 * </ul>
 *
 * @param learningRate     the base learning rate ({@code --lr}); absolute {@code --lr-group}
 *                         values become multipliers of it
 * @param lrGroups         {@code --lr-group} specs, in the order given
 * @param layerDecay       {@code --layer-decay F} in (0, 1]: the top layer group trains at the
 *                         base rate, each group below at F times the one above; 1 is off
 * @param weightDecay      {@code --weight-decay}, as the optimizer applies it
 * @param l1               {@code --l1} specs
 * @param l2               {@code --l2} specs
 * @param regularizeAll    when false (the default) biases and normalization parameters get no
 *                         weight decay, L1 or L2; when true they get the same as the rest
 */
public record GroupOptions(double learningRate, List<String> lrGroups, double layerDecay, double weightDecay,
                           List<String> l1, List<String> l2, boolean regularizeAll) {

    /** One learning rate and one weight decay for everything, with the default exclusions. */
    public static GroupOptions uniform(double learningRate, double weightDecay) {
        return new GroupOptions(learningRate, List.of(), 1, weightDecay, List.of(), List.of(), false);
    }

    /** @throws IllegalArgumentException for a value out of range */
    public GroupOptions {
        lrGroups = List.copyOf(lrGroups);
        l1 = List.copyOf(l1);
        l2 = List.copyOf(l2);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (!(layerDecay > 0 && layerDecay <= 1)) {
            throw new IllegalArgumentException("--layer-decay must be in (0, 1], got " + layerDecay);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay must not be negative, got " + weightDecay);
        }
    }
}
