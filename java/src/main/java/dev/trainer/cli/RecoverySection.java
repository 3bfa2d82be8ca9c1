package dev.trainer.cli;

import dev.trainer.config.NonFinitePolicy;
import dev.trainer.config.RecoveryConfig;
import picocli.CommandLine.Option;

/** Checkpoints (what {@code trainer resume} continues from) and what a non-finite step does. */
final class RecoverySection implements OptionSection {

    @Option(names = "--save-every", paramLabel = "N",
            description = "Write a checkpoint every N steps (0: at each epoch's end); one is also written at the end.")
    long saveEvery = RecoveryConfig.DEFAULT.saveEvery();

    @Option(names = "--keep-last", paramLabel = "K",
            description = "Checkpoints to keep, newest first, besides the best by validation (default: ${DEFAULT-VALUE}).")
    int keepLast = RecoveryConfig.DEFAULT.keepLast();

    @Option(names = "--on-nonfinite", paramLabel = "skip|stop", defaultValue = "skip", converter = Converters.OnNonFinite.class,
            description = "A NaN or infinite loss or gradient: skip the step and halve the learning rate (a few times at"
                    + " most), or stop (default: ${DEFAULT-VALUE}).")
    NonFinitePolicy onNonFinite;

    @Override
    public String heading() {
        return "Checkpoints and failures";
    }

    RecoveryConfig toConfig() {
        return new RecoveryConfig(saveEvery, keepLast, onNonFinite);
    }
}
