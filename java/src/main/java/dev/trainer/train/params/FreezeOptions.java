package dev.trainer.train.params;

import java.util.List;

/**
 * Which parameters train, as the command line says it.
 *
 * @param freeze        {@code --freeze PATTERN...}: parameters to keep fixed
 * @param trainOnly     {@code --train-only PATTERN...}: when not empty, only these may train
 * @param freezeBottom  {@code --freeze-bottom N}: keep the N lowest layer groups fixed (0: none)
 * @param unfreezeEvery {@code --unfreeze-every E}: gradual unfreezing, one more group from the
 *                      top every E epochs, starting from the top group alone (0: off)
 */
public record FreezeOptions(List<String> freeze, List<String> trainOnly, int freezeBottom, int unfreezeEvery) {

    /** Everything trains, from the first epoch. */
    public static final FreezeOptions NONE = new FreezeOptions(List.of(), List.of(), 0, 0);

    /** @throws IllegalArgumentException for a negative count */
    public FreezeOptions {
        freeze = List.copyOf(freeze);
        trainOnly = List.copyOf(trainOnly);
        if (freezeBottom < 0) {
            throw new IllegalArgumentException("--freeze-bottom must not be negative, got " + freezeBottom);
        }
        if (unfreezeEvery < 0) {
            throw new IllegalArgumentException("--unfreeze-every must not be negative, got " + unfreezeEvery);
        }
    }
}
