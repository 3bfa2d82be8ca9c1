package dev.trainer.config;

/**
 * What to do about the two traps of exported graphs. Exporters merge initializers of equal
 * values into one tensor that several layers read, so that they would train tied; a model exported
 * in training mode holds random ops (its dropout) that no flag turns off. BatchNormalization
 * statistics merged with a trainable tensor are untied whatever these say, since statistics never
 * train.
 *
 * @param untieShared    give every trainable use of a shared initializer its own copy ({@code --untie-shared});
 *                       otherwise sharing trains tied, with a warning where it looks like a merge
 * @param allowRandomOps train a model with random ops as it is ({@code --allow-random-ops}) instead of refusing it
 */
public record GraphTraps(boolean untieShared, boolean allowRandomOps) {

    /** Shared initializers train tied (with a warning for merges); random ops are refused. */
    public static final GraphTraps DEFAULT = new GraphTraps(false, false);
}
