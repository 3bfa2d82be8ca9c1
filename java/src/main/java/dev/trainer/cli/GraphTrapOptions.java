package dev.trainer.cli;

import dev.trainer.train.GraphTraps;
import picocli.CommandLine.Option;

/** What to do about shared initializers and random ops in an exported graph: fine-tune's and gradients' options. */
final class GraphTrapOptions {

    @Option(names = "--untie-shared",
            description = "Give every trainable use of a shared initializer its own copy (trainer inspect lists them).")
    boolean untieShared;

    @Option(names = "--allow-random-ops",
            description = "Train a model with random ops (exported in training mode) as it is, instead of refusing it.")
    boolean allowRandomOps;

    GraphTraps toTraps() {
        return new GraphTraps(untieShared, allowRandomOps);
    }
}
