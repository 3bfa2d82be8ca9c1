package dev.trainer.cli;

import dev.trainer.config.GraphTraps;
import picocli.CommandLine.Option;

/** What to do about an exported graph's shared initializers and random ops (trainer inspect lists both). */
final class GraphTrapSection implements OptionSection {

    @Option(names = "--untie-shared",
            description = "Give every trainable use of a shared initializer its own copy (trainer inspect lists them).")
    boolean untieShared;

    @Option(names = "--allow-random-ops",
            description = "Train a model with random ops (exported in training mode) as it is, instead of refusing it.")
    boolean allowRandomOps;

    @Override
    public String heading() {
        return "Shared initializers and random ops";
    }

    GraphTraps toConfig() {
        return new GraphTraps(untieShared, allowRandomOps);
    }
}
