package dev.trainer.config;

import java.util.List;

/**
 * Which parameters train.
 *
 * @param freeze        parameters to keep fixed ({@code --freeze})
 * @param trainOnly     when not empty, only these may train ({@code --train-only})
 * @param freezeBottom  keep the N lowest layer groups fixed ({@code --freeze-bottom}); 0 for none
 * @param unfreezeEvery gradual unfreezing, one more group from the top every E epochs, starting
 *                      from the top group alone ({@code --unfreeze-every}); 0 is off
 */
public record FreezingConfig(List<ParameterPattern> freeze, List<ParameterPattern> trainOnly, int freezeBottom,
                             int unfreezeEvery) {

    /** Everything trains, from the first epoch. */
    public static final FreezingConfig DEFAULT = new FreezingConfig(List.of(), List.of(), 0, 0);

    /** @throws IllegalArgumentException for a negative count */
    public FreezingConfig {
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
